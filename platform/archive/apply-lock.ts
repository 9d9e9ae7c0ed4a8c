import { UserError } from '../errors.js';
import { APPLY_LOCK_KEY } from './keys.js';
import { readObject, writeObject } from './objects.js';
import { PreconditionFailed, type ArchiveStore } from './store.js';

/** Another apply of this deployment is running. */
export class ApplyLocked extends UserError {
  constructor(holder: string, since: string, expires: string) {
    super(`another apply is running (${holder}, since ${since})`, `wait for it to finish; if it crashed, its lock expires at ${expires}`);
  }
}

export interface HeldApplyLock {
  release(): Promise<void>;
}

/**
 * One apply per deployment at a time: the lock object is created with If-None-Match; one past
 * its expiry was left by a crashed apply and is replaced with If-Match on the version read.
 */
export async function acquireApplyLock(store: ArchiveStore, holder: string, ttlMs: number, now: () => Date = () => new Date()): Promise<HeldApplyLock> {
  for (;;) {
    const at = now();
    const value = { format: 'twarc-cloud/apply-lock@1', holder, acquired_at: at.toISOString(), expires_at: new Date(at.getTime() + ttlMs).toISOString() } as const;
    try {
      const { etag } = await writeObject(store, APPLY_LOCK_KEY, 'apply-lock', value, { ifNoneMatch: '*' });
      return held(store, etag);
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
    const current = await readObject(store, APPLY_LOCK_KEY, 'apply-lock');
    if (!current) continue;
    if (Date.parse(current.value.expires_at) > at.getTime()) throw new ApplyLocked(current.value.holder, current.value.acquired_at, current.value.expires_at);
    try {
      const { etag } = await writeObject(store, APPLY_LOCK_KEY, 'apply-lock', value, { ifMatch: current.etag });
      return held(store, etag);
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
  }
}

function held(store: ArchiveStore, etag: string): HeldApplyLock {
  return {
    release: async () => {
      await store.delete(APPLY_LOCK_KEY, { ifMatch: etag }).catch((error: unknown) => {
        if (!(error instanceof PreconditionFailed)) throw error;
      });
    },
  };
}
