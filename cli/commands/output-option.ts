import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { OutputOptions } from '../../platform/output-file.js';
import type { ParsedArgs } from '../command.js';

/** --force of the commands that write a file outside the archive (platform/output-file.ts). */
export const FORCE_OPTION = { force: { type: 'boolean' as const } };

export const FORCE_HELP = '  --force               replace a file already there (never a link, a folder or a device)';

/** How the command may treat a file already at its output path. */
export function outputOptions(args: ParsedArgs): OutputOptions {
  return { replace: args.values['force'] === true };
}

/** The one folder what is taken out of the archive goes to by default: the project's .gitignore lists it. */
export const EXPORTS_FOLDER = 'exports';

/**
 * Where a command writes: the path given (from the working directory), else `name` in the
 * collection's folder under the project's exports/ (made when missing), so that harvested posts
 * never land where `git add .` would take them.
 */
export async function outputPath(
  given: string | boolean | undefined,
  where: { readonly cwd: string; readonly projectRoot: string },
  id: string,
  name: string,
): Promise<string> {
  if (typeof given === 'string') return resolve(where.cwd, given);
  const path = join(where.projectRoot, EXPORTS_FOLDER, id, name);
  await mkdir(dirname(path), { recursive: true });
  return path;
}
