import { HarvestStopping, type StopController } from '../stop.js';

/**
 * Runs `work` over `items` with at most `concurrency` at once. The first failure stops the
 * harvest (the others finish their current item and end) and is rethrown; a stop is not a failure.
 */
export async function runWorkers<T>(
  items: readonly T[],
  concurrency: number,
  stop: StopController,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: Error | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop.stopping) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        if (error instanceof HarvestStopping) return;
        failure ??= error instanceof Error ? error : new Error(String(error));
        stop.stop('failed', error instanceof Error ? error.message : String(error));
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}
