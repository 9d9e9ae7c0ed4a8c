/*
 * Taking a collection's lock for a new harvest, and naming the harvest: its id is its start
 * second, unique among the collection's harvests. A holder that is a dead process on this host is
 * known dead at once; any other holder only once its heartbeat is stale.
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sleep } from '../platform/async.js';
import { UserError } from '../platform/errors.js';
import { isDeadLocalProcess } from '../platform/local-process.js';
import { collectionKeys, harvestId as harvestIdAt } from '../platform/archive/keys.js';
import { acquireLock, type HeldLock } from '../platform/archive/lock.js';
import type { LockHolder } from '../platform/archive/objects.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import type { CollectionConfig } from './harvest-context.js';

/** Another harvest of the collection holds its lock. */
export class LockHeld extends UserError {
  constructor(collectionId: string, holder: LockHolder, harvestId: string, heartbeatAt: string, staleAfterMs: number) {
    super(
      `collection ${collectionId} is being harvested already (harvest ${harvestId} on ${holder.host}, pid ${holder.pid}, last heartbeat ${heartbeatAt})`,
      `only one harvest of a collection runs at a time; if that process is dead, its lock goes stale ${Math.round(staleAfterMs / 1000)} s after its last heartbeat and the next harvest takes over`,
    );
  }
}

export async function takeLock(
  store: ArchiveStore,
  config: CollectionConfig,
  staleAfterMs: number,
): Promise<{ harvestId: string; lock: HeldLock }> {
  const holder: LockHolder = { host: hostname(), pid: process.pid };
  for (;;) {
    const id = harvestIdAt(new Date());
    // A harvest that started and ended within this second owns this id's folder: take the next second.
    const existing = await store.list(collectionKeys(config.id).harvest(id).prefix, { limit: 1 });
    if (existing.objects.length > 0) {
      await sleep(1000 - (Date.now() % 1000));
      continue;
    }
    const attempt = await acquireLock(store, config.id, {
      holder,
      harvestId: id,
      staleAfterMs,
      control: { token: randomBytes(32).toString('hex') },
      isHolderGone: isDeadLocalProcess,
    });
    if (!attempt.acquired)
      throw new LockHeld(config.id, attempt.current.holder, attempt.current.harvest_id, attempt.current.heartbeat_at, staleAfterMs);
    return { harvestId: id, lock: attempt.lock };
  }
}
