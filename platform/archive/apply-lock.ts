/*
 * One apply per deployment at a time (locks/apply.json). An apply takes the lock before it reads
 * the live state and holds it until it has written everything, refreshing it as it goes, so that
 * two applies never plan from the same state. A lock past its expiry, or held by a process on this
 * host that has died, is taken over with If-Match on the version read.
 */
import { UserError } from '../errors.js';
import { APPLY_LOCK_KEY } from './keys.js';
import { readObject, writeObject, type ArchiveObjects } from './objects.js';
import { PreconditionFailed, type ArchiveStore } from './store.js';

type ApplyLockValue = ArchiveObjects['apply-lock'];

export interface ApplyLockHolder {
  /** Who applies, for messages: a GitHub actor and run, or user@host. */
  readonly description: string;
  readonly host: string;
  readonly pid: number;
}

/** Another apply of this deployment is running. */
export class ApplyLocked extends UserError {
  constructor(holder: string, since: string, expires: string) {
    super(
      `another apply is running (${holder}, since ${since})`,
      `wait for it to finish; if it crashed, its lock expires at ${expires}, or release it with: twarc-cloud unlock --apply`,
    );
  }
}

/** This apply's lock was taken over while it ran: it stops before writing anything more. */
export class ApplyLockLost extends UserError {
  constructor() {
    super('another apply took over the apply lock while this one ran; this apply stopped', 'run twarc-cloud plan again, then apply');
  }
}

export interface HeldApplyLock {
  /**
   * Moves the expiry forward when a tenth of its lifetime has passed since the last time (one write
   * per few minutes, not per collection); throws ApplyLockLost when the lock is no longer this apply's.
   */
  refresh(): Promise<void>;
  release(): Promise<void>;
}

export interface ApplyLockOptions {
  readonly ttlMs: number;
  readonly now?: () => Date;
  /** True when the holder is known to be dead (a process on this host that no longer runs). */
  readonly isHolderGone?: (holder: { host: string; pid: number }) => boolean;
}

export async function acquireApplyLock(store: ArchiveStore, holder: ApplyLockHolder, options: ApplyLockOptions): Promise<HeldApplyLock> {
  const now = options.now ?? (() => new Date());
  const valueAt = (at: Date, acquiredAt = at): ApplyLockValue => ({
    format: 'twarc-cloud/apply-lock@1',
    holder: holder.description,
    host: holder.host,
    pid: holder.pid,
    acquired_at: acquiredAt.toISOString(),
    expires_at: new Date(at.getTime() + options.ttlMs).toISOString(),
  });
  for (;;) {
    const at = now();
    try {
      const { etag } = await writeObject(store, APPLY_LOCK_KEY, 'apply-lock', valueAt(at), { ifNoneMatch: '*' });
      return held(store, etag, at, valueAt, now, options.ttlMs);
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
    const current = await readObject(store, APPLY_LOCK_KEY, 'apply-lock');
    if (!current) continue;
    const { host, pid } = current.value;
    const gone = host !== undefined && pid !== undefined && options.isHolderGone?.({ host, pid }) === true;
    if (!gone && Date.parse(current.value.expires_at) > at.getTime()) {
      throw new ApplyLocked(current.value.holder, current.value.acquired_at, current.value.expires_at);
    }
    try {
      const { etag } = await writeObject(store, APPLY_LOCK_KEY, 'apply-lock', valueAt(at), { ifMatch: current.etag });
      return held(store, etag, at, valueAt, now, options.ttlMs);
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
  }
}

function held(
  store: ArchiveStore,
  firstEtag: string,
  acquiredAt: Date,
  valueAt: (at: Date, acquiredAt: Date) => ApplyLockValue,
  now: () => Date,
  ttlMs: number,
): HeldApplyLock {
  let etag = firstEtag;
  let refreshedAt = acquiredAt.getTime();
  return {
    refresh: async () => {
      const at = now();
      if (at.getTime() - refreshedAt < ttlMs / 10) return;
      try {
        ({ etag } = await writeObject(store, APPLY_LOCK_KEY, 'apply-lock', valueAt(at, acquiredAt), { ifMatch: etag }));
        refreshedAt = at.getTime();
      } catch (error) {
        if (error instanceof PreconditionFailed) throw new ApplyLockLost();
        throw error;
      }
    },
    release: async () => {
      await store.delete(APPLY_LOCK_KEY, { ifMatch: etag }).catch((error: unknown) => {
        if (!(error instanceof PreconditionFailed)) throw error;
      });
    },
  };
}
