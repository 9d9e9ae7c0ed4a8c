/*
 * Links the CLI into this repository's own node_modules/.bin at `npm ci` (the prepare script), so
 * that `npx twarc-cloud` finds it there and starts at once, offline. package.json names no `bin` on
 * purpose: for a package with a bin of the asked name, npx installs the package itself into its
 * cache (compiling it again there: slow, online, and broken for good when that first run was
 * interrupted); npm never links a root package's own bins into its node_modules/.bin.
 */

import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';

export function linkOwnBin(root = PACKAGE_ROOT): string | undefined {
  const modules = join(root, 'node_modules');
  if (!existsSync(modules)) return undefined;
  const binDir = join(modules, '.bin');
  mkdirSync(binDir, { recursive: true });
  const link = join(binDir, 'twarc-cloud');
  if (existsSync(link) || isDanglingLink(link)) rmSync(link, { force: true });
  symlinkSync(relative(binDir, join(root, 'bin', 'twarc-cloud.js')), link);
  return link;
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

if (process.argv[1]?.endsWith('link-bin.js') === true) linkOwnBin();
