/*
 * How often a timeline collection looks its accounts up (`lookup_every`): a look-up costs a user
 * read an account, so it is made when the last one is this old, not on every harvest. One grammar,
 * read here by the harvester and by the plan's cost estimate.
 */

/** "1 day", "12 hours", "7 days". */
export const LOOKUP_EVERY_PATTERN = /^([1-9][0-9]{0,3}) (hour|hours|day|days)$/;

export const DEFAULT_LOOKUP_EVERY = '1 day';

/** Milliseconds between look-ups; the default for text the schema would refuse. */
export function lookupEveryMs(text: string | undefined): number {
  const match = LOOKUP_EVERY_PATTERN.exec(text ?? DEFAULT_LOOKUP_EVERY) ?? LOOKUP_EVERY_PATTERN.exec(DEFAULT_LOOKUP_EVERY);
  const count = Number(match?.[1] ?? 1);
  return count * (match?.[2]?.startsWith('hour') === true ? 3_600_000 : 86_400_000);
}
