/*
 * X's tweet ids since November 2010 are snowflakes: the creation time in milliseconds since X's
 * epoch, shifted left by 22 bits. Reading times from ids and ids from times lets a search bound
 * by ids or by times express the other exactly; ids from before the scheme are plain counters
 * and say nothing about time.
 */

const X_EPOCH_MS = 1288834974657n;
/** Ids below this were counted, not made from the clock (the last counted ids were near 2.97e10). */
const FIRST_SNOWFLAKE = 30_000_000_000n;

/** When the tweet with this id was created (epoch ms); undefined for an id from before snowflakes. */
export function tweetTime(id: string): number | undefined {
  const value = BigInt(id);
  return value < FIRST_SNOWFLAKE ? undefined : Number((value >> 22n) + X_EPOCH_MS);
}

/** The smallest id a tweet created at `ms` (or later) can have; undefined before snowflakes began. */
export function firstIdAt(ms: number): bigint | undefined {
  const id = (BigInt(Math.ceil(ms)) - X_EPOCH_MS) << 22n;
  return id < FIRST_SNOWFLAKE ? undefined : id;
}

/** Post ids are unsigned 64-bit numbers. */
export const LARGEST_POST_ID = (1n << 64n) - 1n;

/** A post id as a number, or undefined for anything that is not one (never counted, never a duplicate). */
export function postIdValue(id: unknown): bigint | undefined {
  if (typeof id !== 'string' || !/^\d{1,20}$/.test(id)) return undefined;
  const value = BigInt(id);
  return value <= LARGEST_POST_ID ? value : undefined;
}
