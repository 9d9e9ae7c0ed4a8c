import { UserError } from '../../platform/errors.js';
import type { ParsedArgs } from '../command.js';

export const SINCE_HELP = '  --since <date>        only harvests started on or after this date (UTC)';

/** --since as a time: a date means its midnight, UTC. */
export function sinceOption(args: ParsedArgs): Date | undefined {
  const text = args.values['since'];
  if (typeof text !== 'string') return undefined;
  const since = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(since.getTime())) throw new UserError(`--since must be a date like 2026-01-31, not "${text}"`);
  return since;
}
