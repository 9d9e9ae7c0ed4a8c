/*
 * The start every harvest shares, alone or in a stream group: take the collection's lock, open
 * the harvest, keep the lock's heartbeat (with progress) and the stop-request poll, then record
 * that it runs: its control URL in the lock, its config and a running harvest.json in its folder,
 * and the close of the harvest it took the lock over from.
 */

import type { HeldLock } from '../platform/archive/lock.js';
import { writeObject } from '../platform/archive/objects.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import type { XCredentials } from '../platform/credentials/credentials.js';
import type { CollectionConfig, HarvestContext, HarvestTuning } from './harvest-context.js';
import { harvestRecord } from './finalize.js';
import { watchLock } from './lock-watch.js';
import { openHarvest } from './open-harvest.js';
import { finalizeInterrupted } from './recover.js';
import type { StopController } from './stop.js';
import { takeLock } from './take-lock.js';

export interface LockedHarvestOptions {
  readonly store: ArchiveStore;
  readonly config: CollectionConfig;
  readonly credentials: XCredentials;
  readonly env: NodeJS.ProcessEnv;
  readonly writeLog: (line: string) => void;
  readonly apiBaseUrl?: string;
  readonly tuning?: Partial<HarvestTuning>;
  readonly stop?: StopController;
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
  const { store, config } = options;
  const { harvestId, lock } = await takeLock(store, config, options.staleAfterMs);
  const lease = { lost: false };
  const context = await openHarvest({
    store,
    config,
    credentials: options.credentials,
    harvestId,
    lease,
    env: options.env,
    writeLog: options.writeLog,
    ...(options.apiBaseUrl !== undefined ? { apiBaseUrl: options.apiBaseUrl } : {}),
    ...(options.tuning !== undefined ? { tuning: options.tuning } : {}),
    ...(options.stop !== undefined ? { stop: options.stop } : {}),
  });
  const endWatch = watchLock({
    store,
    collectionId: config.id,
    harvestId,
    lock,
    stop: context.stop,
    staleAfterMs: options.staleAfterMs,
    stopPollMs: options.stopPollMs,
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
