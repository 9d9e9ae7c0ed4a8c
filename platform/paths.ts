import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root (where schemas/ lives), found by walking up from this module, so the
 * same code works from the TypeScript sources and from the compiled dist/ tree.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schemas'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('twarc-cloud package root not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();
export const SCHEMAS_DIR = join(PACKAGE_ROOT, 'schemas');
/** The build's precompiled schema validators (scripts/compile-schemas.ts). */
export const COMPILED_SCHEMAS_DIR = join(PACKAGE_ROOT, 'dist', 'compiled-schemas');
