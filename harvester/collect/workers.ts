import { forEachConcurrently } from '../../platform/async.js';
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
  await forEachConcurrently(
    items,
    concurrency,
    async (item) => {
      try {
        await work(item);
      } catch (error) {
        if (error instanceof HarvestStopping) return;
        stop.stop('failed', error instanceof Error ? error.message : String(error));
        throw error instanceof Error ? error : new Error(String(error));
      }
    },
    () => !stop.stopping,
  );
}
