import type { OutputOptions } from '../../platform/output-file.js';
import type { ParsedArgs } from '../command.js';

/** --force of the commands that write a file outside the archive (platform/output-file.ts). */
export const FORCE_OPTION = { force: { type: 'boolean' as const } };

export const FORCE_HELP = '  --force               replace a file already there (never a link, a folder or a device)';

/** How the command may treat a file already at its output path. */
export function outputOptions(args: ParsedArgs): OutputOptions {
  return { replace: args.values['force'] === true };
}
