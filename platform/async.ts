/*
 * Waiting, the one way the project does it: a sleep that a stop aborts at once (leaving no timer
 * behind), a promise raced against an abort, and a poll that waits on a condition instead of a
 * fixed time.
 */

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
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
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

/**
 * Asks `check` every `intervalMs` until it returns a value, and returns that value; undefined when
 * `timeoutMs` passed first. The first check is made at once.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: { readonly intervalMs: number; readonly timeoutMs: number; readonly signal?: AbortSignal },
): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() >= deadline) return undefined;
    await sleep(Math.min(options.intervalMs, Math.max(0, deadline - Date.now())), options.signal);
  }
}

/**
 * Runs `work` over `items`, at most `limit` at once, in order of starting. After the first failure,
 * or once `keepGoing` says no, no new item starts; those under way finish, and the first failure is
 * rethrown.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
  keepGoing: () => boolean = () => true,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined && keepGoing()) {
      const index = next;
      next += 1;
      try {
        await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
}
