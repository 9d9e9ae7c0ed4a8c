import { COLLECTIONS_INDEX_KEY } from '../../platform/archive/keys.js';
import { writeObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { CollectionsIndex } from '../live/read-live.js';

type IndexEntry = CollectionsIndex['collections'][string];

/** How often an apply writes the index while it runs: after this many collections, or this long. */
export const INDEX_CHECKPOINT = { collections: 100, ms: 10_000 } as const;

/**
 * The collections index during one apply: each finished collection's entry is set in memory, and
 * the whole index is written at checkpoints and at the end, not once per collection (which made an
 * apply's time grow with the square of its collections). Every write is conditional on the version
 * the apply read or last wrote, so another writer is noticed. A collection whose collection.json was
 * written after the last checkpoint is recovered by the next apply (see apply.ts).
 */
export class IndexBook {
  private etag: string | undefined;
  private unwritten = 0;
  private lastWrite: number;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ArchiveStore,
    readonly index: CollectionsIndex,
    etag: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.etag = etag;
    this.lastWrite = now();
  }

  set(id: string, entry: IndexEntry, at: Date): void {
    this.index.collections[id] = entry;
    this.index.updated_at = at.toISOString();
    this.unwritten += 1;
  }

  /** Writes the index if a checkpoint is due (or `force`), one write at a time. */
  async checkpoint(force = false): Promise<void> {
    const due = this.unwritten >= INDEX_CHECKPOINT.collections || this.now() - this.lastWrite >= INDEX_CHECKPOINT.ms;
    if (this.unwritten === 0 || (!force && !due)) return;
    const write = this.writes.then(() => this.write());
    this.writes = write.catch(() => undefined);
    await write;
  }

  private async write(): Promise<void> {
    const count = this.unwritten;
    if (count === 0) return;
    this.unwritten = 0;
    try {
      const written = await writeObject(
        this.store,
        COLLECTIONS_INDEX_KEY,
        'collections-index',
        this.index,
        this.etag !== undefined ? { ifMatch: this.etag } : { ifNoneMatch: '*' },
      );
      this.etag = written.etag;
      this.lastWrite = this.now();
    } catch (error) {
      this.unwritten += count;
      throw error;
    }
  }
}
