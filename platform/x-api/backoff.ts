/**
 * How long to wait before trying again, as X documents it for streaming connections, and used
 * for REST retries too. `scale` shrinks every wait for tests against the fake API.
 *
 * - network errors (reset, timeout, silence): linear, +250 ms per attempt, at most 16 s;
 * - HTTP errors: exponential from 5 s, at most 320 s;
 * - 429: exponential from 60 s, doubling each attempt.
 */
export type FailureKind = 'network' | 'http' | 'rate-limit';

export function backoffMs(kind: FailureKind, attempt: number, scale = 1): number {
  const n = Math.max(1, attempt);
  const base = kind === 'network' ? Math.min(250 * n, 16_000) : kind === 'http' ? Math.min(5_000 * 2 ** (n - 1), 320_000) : 60_000 * 2 ** (n - 1);
  return Math.round(base * scale);
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts (and then no timer is left behind). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error('aborted');
}

/** `promise`, or a rejection as soon as `signal` aborts, whichever comes first. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
