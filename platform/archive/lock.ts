import { collectionKeys } from './keys.js';
import { readObject, writeObject, type ArchiveObjects, type LockHolder, type Takeover } from './objects.js';
import { PreconditionFailed, type ArchiveStore } from './store.js';

type LockValue = ArchiveObjects['lock'];
/** What a harvest has stored so far, published with its heartbeat. */
export type LockProgress = Omit<NonNullable<LockValue['progress']>, 'at'>;

export interface LockRequest {
  readonly holder: LockHolder;
  readonly harvestId: string;
  /** A lock whose heartbeat is older than this may be taken over. */
  readonly staleAfterMs: number;
  readonly control?: { readonly url?: string; readonly token: string };
  readonly now?: () => Date;
  /** True when the holder is known to be dead (a process on this host that no longer runs): no need to wait for staleness. */
  readonly isHolderGone?: (holder: LockHolder) => boolean;
}

export type LockAttempt = { readonly acquired: true; readonly lock: HeldLock } | { readonly acquired: false; readonly current: LockValue };

/** Our lock was taken over (we were presumed dead) or removed: stop writing as its holder. */
export class LockLost extends Error {
  override readonly name = 'LockLost';
}

/**
 * One harvest per collection at a time (docs/architecture.md, "Harvests and the stop protocol"). The lock is created with
 * If-None-Match, so of two harvesters exactly one wins. A lock whose heartbeat is stale was left
 * by a harvester that died; it is taken over with If-Match on the version read, so of two
 * rescuers exactly one wins, and the takeover is recorded instead of crash-looping on leftovers.
 */
export async function acquireLock(store: ArchiveStore, collectionId: string, request: LockRequest): Promise<LockAttempt> {
  const key = collectionKeys(collectionId).lock;
  const now = request.now ?? (() => new Date());
  for (;;) {
    const at = now().toISOString();
    const fresh: LockValue = {
      format: 'twarc-cloud/lock@1',
      collection: collectionId,
      harvest_id: request.harvestId,
      holder: request.holder,
      acquired_at: at,
      heartbeat_at: at,
      ...(request.control ? { control: request.control } : {}),
    };
    try {
      const { etag } = await writeObject(store, key, 'lock', fresh, { ifNoneMatch: '*' });
      return { acquired: true, lock: new HeldLock(store, key, fresh, etag, now) };
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
    const current = await readObject(store, key, 'lock');
    if (!current) continue; // released between our attempt and our read: try again
    const age = now().getTime() - Date.parse(current.value.heartbeat_at);
    if (age <= request.staleAfterMs && request.isHolderGone?.(current.value.holder) !== true) return { acquired: false, current: current.value };
    const tookOver: Takeover = { harvest_id: current.value.harvest_id, holder: current.value.holder, heartbeat_at: current.value.heartbeat_at, at };
    const replacement: LockValue = { ...fresh, took_over: tookOver };
    try {
      const { etag } = await writeObject(store, key, 'lock', replacement, { ifMatch: current.etag });
      return { acquired: true, lock: new HeldLock(store, key, replacement, etag, now) };
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
      // Another rescuer, or the holder's own heartbeat, came first: look again.
    }
  }
}

export class HeldLock {
  /** The write in flight; the next one starts when it ends. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ArchiveStore,
    readonly key: string,
    private current: LockValue,
    private etag: string,
    private readonly now: () => Date,
  ) {}

  get value(): LockValue {
    return this.current;
  }

  /** Moves the heartbeat forward, with the harvest's progress if given; throws LockLost if the lock is no longer ours. */
  refresh(progress?: LockProgress): Promise<void> {
    return this.serially(() => {
      const at = this.now().toISOString();
      return this.replace({ ...this.current, heartbeat_at: at, ...(progress ? { progress: { ...progress, at } } : {}) });
    });
  }

  /** Publishes how to reach this harvest's control API. */
  setControl(control: { url?: string; token: string }): Promise<void> {
    return this.serially(() => this.replace({ ...this.current, control, heartbeat_at: this.now().toISOString() }));
  }

  /** Removes the lock if it is still ours; never removes a lock someone has taken over. */
  release(): Promise<void> {
    return this.serially(async () => {
      try {
        await this.store.delete(this.key, { ifMatch: this.etag });
      } catch (error) {
        if (error instanceof PreconditionFailed) throw new LockLost(`${this.key} was taken over before it was released`);
        throw error;
      }
    });
  }

  /**
   * One write at a time, each comparing the version the one before it left: a heartbeat still in
   * flight when the harvest ended made its release fail as if the lock had been taken over, and
   * the lock stayed behind, fresh, keeping the next harvest out until it went stale.
   */
  private serially(write: () => Promise<void>): Promise<void> {
    const next = this.writing.then(write);
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async replace(next: LockValue): Promise<void> {
    try {
      const { etag } = await writeObject(this.store, this.key, 'lock', next, { ifMatch: this.etag });
      this.current = next;
      this.etag = etag;
    } catch (error) {
      if (error instanceof PreconditionFailed) throw new LockLost(`${this.key} is no longer held by harvest ${this.current.harvest_id}`);
      throw error;
    }
  }
}
