import { pollUntil } from '../../platform/async.js';

/**
 * Waits on a condition, never a clock: resolves with what `probe` finds once it finds something
 * (for a yes-or-no probe, once it says yes), polling every 100 ms without blocking this process's
 * servers; after `timeoutMs` it fails, naming what it waited for (`what` may describe the state seen).
 */
export async function until<T>(what: string | (() => string), probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const found = await pollUntil(
    async () => {
      const seen = await probe();
      return seen === false ? undefined : seen;
    },
    { intervalMs: 100, timeoutMs },
  );
  if (found === undefined) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
  return found;
}
