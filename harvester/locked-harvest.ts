/*
 * The start every harvest shares, alone or in a stream group: take the collection's lock, open
 * the harvest, keep the lock's heartbeat (with progress) and the stop-request poll, then record
 * that it runs: its control URL in the lock, its config and a running harvest.json in its folder,
 * and the close of the harvest it took the lock over from.
 */

import type { HeldLock } from '../platform/archive/lock.js';
import { writeObject } from '../platform/archive/objects.js';
import type { HarvestContext } from './harvest-context.js';
import { harvestRecord } from './finalize.js';
import { watchLock } from './lock-watch.js';
import { openHarvest, type OpenHarvestOptions } from './open-harvest.js';
import { finalizeInterrupted } from './recover.js';
import { takeLock } from './take-lock.js';

/** What opening a harvest takes, but its id and lease, which taking the lock gives. */
export interface LockedHarvestOptions extends Omit<OpenHarvestOptions, 'harvestId' | 'lease'> {
  readonly staleAfterMs: number;
  readonly stopPollMs: number;
}

export interface LockedHarvest {
  readonly context: HarvestContext;
  readonly lock: HeldLock;
  /** Set once the lock was taken over: from then on the harvest writes only inside its own folder. */
  readonly lease: { lost: boolean };
  /** Ends the heartbeat and the stop-request poll. */
  readonly endWatch: () => void;
}

/** Takes the lock (throws LockHeld while another harvest has it), opens the harvest and starts watching the lock. */
export async function openLockedHarvest(options: LockedHarvestOptions): Promise<LockedHarvest> {
  const { staleAfterMs, stopPollMs, ...opening } = options;
  const { store, config } = opening;
  const { harvestId, lock } = await takeLock(store, config, staleAfterMs);
  const lease = { lost: false };
  const context = await openHarvest({ ...opening, harvestId, lease });
  const endWatch = watchLock({
    store,
    collectionId: config.id,
    harvestId,
    lock,
    stop: context.stop,
    staleAfterMs,
    stopPollMs,
    log: context.log,
    onLockLost: () => (lease.lost = true),
    progress: () => ({
      tweets: context.files.tweets,
      files: context.files.stored.length,
      bytes: context.files.stored.reduce((sum, file) => sum + file.bytes, 0),
    }),
  });
  return { context, lock, lease, endWatch };
}

/** Records that the harvest runs, reachable at `controlUrl`, and closes the folder of the harvest whose lock it took over. */
export async function recordHarvestStart(
  harvest: Pick<LockedHarvest, 'context' | 'lock'>,
  startedAt: Date,
  controlUrl: string,
): Promise<void> {
  const { context, lock } = harvest;
  const { store, config, keys, harvestId } = context;
  await lock.setControl({ url: controlUrl, token: lock.value.control?.token ?? '' });
  await writeObject(store, keys.config, 'collection-config', config);
  await writeObject(store, keys.summary, 'harvest', harvestRecord(context, startedAt, 'running', lock.value.took_over));
  if (lock.value.took_over) await finalizeInterrupted(store, config, lock.value.took_over, harvestId, context.log);
}
