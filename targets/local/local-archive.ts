import { existsSync } from 'node:fs';
import { UserError } from '../../platform/errors.js';

/** The local archive a command reads or harvests into: refused, with how it comes about, before the first apply made it. */
export function requireLocalArchive(location: string): void {
  if (!existsSync(location))
    throw new UserError(
      `there is no archive at ${location} yet`,
      'it appears with the first `twarc-cloud apply` (or `up`); for an AWS deployment, pass --target aws',
    );
}
