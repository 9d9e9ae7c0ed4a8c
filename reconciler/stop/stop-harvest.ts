import { pollUntil } from '../../platform/async.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';

export interface StopOutcome {
  /** How the stop was asked: through the harvest's control API, or a stop request in the archive. */
  readonly via: 'none-running' | 'control-api' | 'stop-request';
  /** True when the harvest finished (its lock is gone) within the wait. */
  readonly stopped: boolean;
}

/**
 * Stops a collection's running harvest gracefully (docs/architecture.md, "Harvests and the stop protocol"): POST /stop to the control
 * API named in lock.json with its token; if that cannot be reached, a stop request in the archive
 * naming the harvest, which the harvester polls. Then waits for the lock to be released, which the
 * harvester does only once its files, manifest, record and state are stored.
 */
export async function stopRunningHarvest(
  store: ArchiveStore,
  collectionId: string,
  requestedBy: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<StopOutcome> {
  const keys = collectionKeys(collectionId);
  const lock = await readObject(store, keys.lock, 'lock');
  if (!lock) return { via: 'none-running', stopped: true };
  let via: StopOutcome['via'] = 'stop-request';
  const control = lock.value.control;
  if (control?.url !== undefined) {
    const answered = await fetch(`${control.url}stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${control.token}` },
      signal: AbortSignal.timeout(3000),
    }).then(
      (response) => response.status === 202,
      () => false,
    );
    if (answered) via = 'control-api';
  }
  if (via === 'stop-request') {
    await writeObject(store, keys.stopRequest, 'stop-request', {
      format: 'twarc-cloud/stop-request@1',
      collection: collectionId,
      harvest_id: lock.value.harvest_id,
      requested_at: new Date().toISOString(),
      requested_by: requestedBy,
    });
  }
  return { via, stopped: await lockReleased(store, collectionId, lock.value.harvest_id, waitMs, signal) };
}

/** Waits up to `waitMs` for the harvest to let go of the collection's lock (it does once everything is stored). */
export async function lockReleased(
  store: ArchiveStore,
  collectionId: string,
  harvestId: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const released = await pollUntil(
    async () => ((await readObject(store, collectionKeys(collectionId).lock, 'lock'))?.value.harvest_id !== harvestId ? true : undefined),
    { intervalMs: 250, timeoutMs: waitMs, ...(signal !== undefined ? { signal } : {}) },
  );
  return released === true;
}

/**
 * Stops a collection's running harvest and says how it went; `afterwards` tells what becomes of
 * a harvest that has not finished within the wait (it differs by target).
 */
export async function stopAndReport(
  store: ArchiveStore,
  collectionId: string,
  options: {
    readonly actor: string;
    readonly waitMs: number;
    readonly report: (line: string) => void;
    readonly afterwards: string;
    readonly signal?: AbortSignal | undefined;
  },
): Promise<void> {
  const outcome = await stopRunningHarvest(store, collectionId, options.actor, options.waitMs, options.signal);
  if (outcome.via === 'none-running') return;
  options.report(
    outcome.stopped
      ? `  ${collectionId}: running harvest stopped (${outcome.via})`
      : `  ${collectionId}: running harvest asked to stop (${outcome.via}); not finished after ${Math.round(options.waitMs / 1000)} s, ${options.afterwards}`,
  );
}
