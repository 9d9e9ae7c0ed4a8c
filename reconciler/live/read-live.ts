import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { streamComplete } from '../../platform/archive/stream-completion.js';
import type { DesiredCollection, LiveCollection, LiveState } from '../plan/model.js';
import { bodyOf } from '../plan/render-config.js';
import type { Target } from '../target.js';

export type CollectionsIndex = ArchiveObjects['collections-index'];

export const EMPTY_INDEX: CollectionsIndex = {
  format: 'twarc-cloud/collections-index@1',
  updated_at: new Date(0).toISOString(),
  collections: {},
};

/**
 * Reads what plan needs of the live system with as few requests as the archive allows: the index
 * (one object), the target's runtime, collection.json only of collections whose hash differs
 * from the desired one (for field-level changes), and state.json only of streams with max_records.
 */
export async function readLive(
  target: Target,
  desired: readonly DesiredCollection[],
  options: { refresh?: boolean } = {},
): Promise<{ live: LiveState; index: CollectionsIndex; indexEtag?: string }> {
  const found = await readObject(target.store, COLLECTIONS_INDEX_KEY, 'collections-index');
  const index = found?.value ?? EMPTY_INDEX;
  const runtime = await target.readRuntime(index.collections, options);
  const streamGroups = await target.readStreamGroups?.(index.collections, options);
  const wanted = new Map(desired.map((d) => [d.id, d]));
  const collections = new Map<string, LiveCollection>();
  await Promise.all(
    Object.entries(index.collections).map(async ([id, entry]) => {
      const want = wanted.get(id);
      let body;
      if (want && want.hash !== entry.hash)
        body = bodyOf((await readObject(target.store, collectionKeys(id).config, 'collection-config'))?.value ?? missing(id));
      // A stream with max_records is complete by what its state counts now: raising max_records starts it again.
      const complete = want !== undefined && (await streamComplete(target.store, id, want.body));
      collections.set(id, {
        id,
        type: entry.type,
        state: entry.state,
        hash: entry.hash,
        ...(body ? { body } : {}),
        runtime: runtime.get(id) ?? {},
        ...(complete ? { complete } : {}),
      });
    }),
  );
  // Runtime resources the index does not know (made by hand, by another tool, or before the
  // index): plan adopts untagged ones a collection file wants, and never touches the others. They
  // are schedules, whose listing does not say what they harvest.
  for (const [id, resources] of runtime) {
    if (collections.has(id)) continue;
    collections.set(id, { id, type: 'search', state: 'active', hash: '', runtime: resources });
  }
  return { live: { collections, ...(streamGroups ? { streamGroups } : {}) }, index, ...(found ? { indexEtag: found.etag } : {}) };
}

function missing(id: string): never {
  throw new Error(`collections.json lists ${id}, but its collection.json is missing`);
}
