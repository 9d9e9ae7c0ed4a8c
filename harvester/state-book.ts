import { collectionKeys } from '../platform/archive/keys.js';
import { readObject, writeObject, type ArchiveObjects } from '../platform/archive/objects.js';
import type { ArchiveStore } from '../platform/archive/store.js';

export type HarvestState = ArchiveObjects['state'];

/**
 * state.json, owned by the harvester. `start` is the state as the harvest found it (where to
 * resume from); `draft` moves only through checkpoints, which the tweet files apply after the
 * data they describe is stored, and `save` writes the draft.
 */
export class StateBook {
  readonly draft: HarvestState;
  /** The draft as last saved (its time aside), so that a save that would change nothing is not made. */
  private saved: string | undefined;

  private constructor(
    private readonly store: ArchiveStore,
    readonly start: Readonly<HarvestState>,
    harvestId: string,
  ) {
    this.draft = structuredClone<HarvestState>({ ...start, harvest_id: harvestId });
  }

  static async load(store: ArchiveStore, collectionId: string, harvestId: string): Promise<StateBook> {
    const found = await readObject(store, collectionKeys(collectionId).state, 'state');
    // No state: no harvest of the collection ever stored a file, so the running total starts at 0.
    const start: HarvestState = found?.value ?? {
      format: 'twarc-cloud/state@1',
      collection: collectionId,
      harvest_id: harvestId,
      updated_at: new Date().toISOString(),
      tweets_total: 0,
    };
    return new StateBook(store, start, harvestId);
  }

  users(): NonNullable<HarvestState['users']> {
    return (this.draft.users ??= {});
  }

  /** The resume points of a kind that runs several searches, by key (a conversation id). */
  searches(): NonNullable<HarvestState['searches']> {
    return (this.draft.searches ??= {});
  }

  /** Counts a stored file's tweets into the running total, where the state keeps one. */
  countStored(tweets: number): void {
    if (this.draft.tweets_total !== undefined) this.draft.tweets_total += tweets;
  }

  /** Writes the draft, unless it is as last saved: updated_at says when the state last changed. */
  async save(): Promise<void> {
    const content = JSON.stringify({ ...this.draft, updated_at: '' });
    if (content === this.saved) return;
    this.draft.updated_at = new Date().toISOString();
    await writeObject(this.store, collectionKeys(this.draft.collection).state, 'state', this.draft);
    this.saved = content;
  }
}
