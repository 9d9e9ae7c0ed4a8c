/*
 * How long to wait before trying again, as X documents it for streaming connections, and used
 * for REST retries too. `scale` shrinks every wait for tests against the fake API.
 *
 * - network errors (reset, timeout, silence): linear, +250 ms per attempt, at most 16 s;
 * - HTTP errors: exponential from 5 s, at most 320 s;
 * - 429: exponential from 60 s, doubling each attempt, at most 15 minutes (a rate-limit window).
 */

export type FailureKind = 'network' | 'http' | 'rate-limit';

export function backoffMs(kind: FailureKind, attempt: number, scale = 1): number {
  const n = Math.max(1, attempt);
  const base =
    kind === 'network'
      ? Math.min(250 * n, 16_000)
      : kind === 'http'
        ? Math.min(5_000 * 2 ** (n - 1), 320_000)
        : Math.min(60_000 * 2 ** (n - 1), 900_000);
  return Math.round(base * scale);
}
