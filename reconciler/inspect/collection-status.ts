import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { DesiredCollection } from '../plan/model.js';

export interface CollectionRow {
  readonly id: string;
  readonly type: string;
  /** desired vs live: in sync, drift, not applied, removed, suspended. */
  readonly state: string;
  readonly schedule?: string;
  readonly lastHarvest?: { readonly endedAt: string; readonly outcome: string; readonly tweets: number };
  /** Tweets stored by all its harvests, as the newest one summed them up: a post stored twice counts twice. */
  readonly totalTweets?: number;
  /** Distinct posts among them, as an export writes them; absent until a harvest's end could count them. */
  readonly distinctTweets?: number;
}

/** Posts stored more than once: what an export leaves out. */
export function duplicatesOf(row: CollectionRow): number | undefined {
  if (row.totalTweets === undefined || row.distinctTweets === undefined) return undefined;
  return duplicateCount(row.totalTweets, row.distinctTweets);
}

/** Stored tweets less distinct posts; never below 0 (a harvest whose lock was lost may be counted in one and not the other). */
export function duplicateCount(total: number, distinct: number): number {
  return Math.max(0, total - distinct);
}

/** Every collection in git or in the archive, with how the two compare and its newest harvest. */
export async function collectionRows(store: ArchiveStore, desired: readonly DesiredCollection[]): Promise<CollectionRow[]> {
  const index = (await readObject(store, COLLECTIONS_INDEX_KEY, 'collections-index'))?.value.collections ?? {};
  const wanted = new Map(desired.map((d) => [d.id, d]));
  const ids = [...new Set([...wanted.keys(), ...Object.keys(index)])].sort();
  return Promise.all(
    ids.map(async (id): Promise<CollectionRow> => {
      const want = wanted.get(id);
      const live = index[id];
      const state = !live
        ? 'not applied'
        : !want
          ? live.state === 'removed'
            ? 'removed'
            : 'drift (file deleted, not applied)'
          : live.hash !== want.hash || live.state !== want.state
            ? 'drift'
            : want.state === 'suspended'
              ? 'suspended, in sync'
              : 'in sync';
      const last = await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest');
      const schedule = want?.body.schedule ?? live?.schedule;
      return {
        id,
        type: want?.body.type ?? live?.type ?? '?',
        state,
        ...(schedule !== undefined ? { schedule } : {}),
        ...(last ? { lastHarvest: { endedAt: last.value.ended_at, outcome: last.value.outcome, tweets: last.value.tweets } } : {}),
        ...(last?.value.total_tweets !== undefined ? { totalTweets: last.value.total_tweets } : {}),
        ...(last?.value.distinct_tweets !== undefined ? { distinctTweets: last.value.distinct_tweets } : {}),
      };
    }),
  );
}
