/*
 * While a harvest runs: its lock's heartbeat, and the stop request it polls for in the archive
 * (the stop protocol's way in when the control API cannot be reached). Losing the lock stops the
 * harvest, which then writes only inside its own folder.
 */

import { collectionKeys } from '../platform/archive/keys.js';
import { LockLost, type HeldLock, type LockProgress } from '../platform/archive/lock.js';
import { readObject } from '../platform/archive/objects.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import type { JsonLog } from './log.js';
import type { StopController } from './stop.js';

export interface LockWatchOptions {
  readonly store: ArchiveStore;
  readonly collectionId: string;
  readonly harvestId: string;
  readonly lock: HeldLock;
  readonly stop: StopController;
  /** The heartbeat goes every fifth of this. */
  readonly staleAfterMs: number;
  readonly stopPollMs: number;
  readonly log: JsonLog;
  readonly onLockLost: () => void;
  /** What the harvest has stored, written into the lock at each heartbeat for `status` to read. */
  readonly progress?: () => LockProgress;
}

/** Starts the heartbeat and the stop-request poll; the returned function ends both. */
export function watchLock(options: LockWatchOptions): () => void {
  const { store, collectionId, harvestId, lock, stop, log } = options;
  const heartbeatMs = Math.max(200, Math.floor(options.staleAfterMs / 5));
  let lastBeat = Date.now();
  let lastPoll = Date.now();
  let busy = false;
  const beat = async (): Promise<void> => {
    if (Date.now() - lastBeat >= heartbeatMs) {
      lastBeat = Date.now();
      await lock.refresh(options.progress?.());
    }
    if (Date.now() - lastPoll >= options.stopPollMs) {
      lastPoll = Date.now();
      const request = await readObject(store, collectionKeys(collectionId).stopRequest, 'stop-request');
      if (request?.value.harvest_id === harvestId)
        stop.stop('requested', `stop requested through the archive by ${request.value.requested_by}`);
    }
  };
  const timer = setInterval(
    () => {
      if (busy) return;
      busy = true;
      beat()
        .catch((error: unknown) => {
          if (error instanceof LockLost) {
            options.onLockLost();
            stop.stop('lock_lost', error.message);
          } else
            log.warn('heartbeat or stop-request poll failed; will retry', {
              problem: error instanceof Error ? error.message : String(error),
            });
        })
        .finally(() => {
          busy = false;
        });
    },
    Math.min(heartbeatMs, options.stopPollMs, 1000),
  );
  return () => {
    clearInterval(timer);
  };
}
