import { resolve } from 'node:path';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { Options, ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';

/** The archive that --archive or TWARC_CLOUD_ARCHIVE names, a directory resolved from the working one; undefined when neither does. */
export function givenArchive(args: ParsedArgs, io: CliIo): string | undefined {
  const flag = args.values['archive'];
  const given = typeof flag === 'string' ? flag : io.env['TWARC_CLOUD_ARCHIVE'];
  return given === undefined || given.startsWith('s3://') ? given : resolve(io.cwd, given);
}

/**
 * Where a command that runs in the container too finds its archive: the full CLI offers --target
 * besides --archive; the container only --archive (or TWARC_CLOUD_ARCHIVE, which terraform sets),
 * so that its bundle carries no reconciler code.
 */
export interface ArchiveChoice {
  readonly options: Options;
  readonly help: readonly string[];
  open(args: ParsedArgs, io: CliIo): Promise<ArchiveStore>;
}
