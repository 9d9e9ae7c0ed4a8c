/*
 * The collection's distinct posts, counted at each harvest's end (docs/decisions.md, "Distinct posts
 * in list"): the ids of the files this harvest stored, merged into collections/<id>/post_ids.gz.
 * Harvests the index does not hold yet (an archive from before it was kept, a harvest that died or
 * lost its lock) are read from their tweet files once, when the index's tweets fall short of the
 * state's running total.
 */

import { pagesOf, postIdsOf, tweetFiles, type DamagedFiles } from '../platform/archive/harvest-files.js';
import { ArchiveObjectInvalid } from '../platform/archive/objects.js';
import { PostIdList, readPostIds, unionOfSorted, writePostIds } from '../platform/archive/post-ids.js';
import type { HarvestContext } from './harvest-context.js';

export interface DistinctCount {
  /** Distinct posts of every harvest, this one included; undefined while some harvest's files are not counted. */
  readonly posts: number | undefined;
  /** Harvests read from their tweet files to complete the index. */
  readonly caughtUp: number;
}

/**
 * Merges this harvest's ids into the index and returns the distinct count. `total` is the running
 * total of stored tweets (state.json's); `mayReadFiles` false leaves a missing harvest for the next
 * harvest's end (a harvest told to stop by a signal has seconds, not minutes).
 */
export async function countDistinctPosts(
  context: HarvestContext,
  harvestTweets: number,
  total: number | undefined,
  mayReadFiles: boolean,
): Promise<DistinctCount> {
  const { store, config, harvestId, files } = context;
  const before = await readPostIds(store, config.id).catch((error: unknown) => {
    if (!(error instanceof ArchiveObjectInvalid)) throw error;
    context.log.warn('the post id index is damaged; it is rebuilt from the tweet files', { error: error.message });
    return undefined;
  });
  const harvests = new Set(before?.header.harvests ?? []);
  let tweets = (before?.header.tweets ?? 0) + (harvests.has(harvestId) ? 0 : harvestTweets);
  harvests.add(harvestId);
  let ids = unionOfSorted(before?.ids ?? new BigUint64Array(0), files.storedIds.sortedUnique());
  let complete = total !== undefined && tweets >= total;
  let caughtUp = 0;
  if (!complete && mayReadFiles) {
    const missing = await idsOfHarvestsNotIn(context, harvests);
    ids = unionOfSorted(ids, missing.ids.sortedUnique());
    for (const id of missing.harvests) harvests.add(id);
    tweets = Math.max(tweets + missing.ids.length, total ?? 0);
    caughtUp = missing.harvests.length;
    complete = true;
  }
  await writePostIds(
    store,
    {
      format: 'twarc-cloud/post-ids@1',
      collection: config.id,
      posts: ids.length,
      tweets,
      harvests: [...harvests].sort(),
      updated_at: new Date().toISOString(),
    },
    ids,
  );
  return { posts: complete ? ids.length : undefined, caughtUp };
}

/** The post ids in the tweet files of every harvest but those given, read as export reads them. */
async function idsOfHarvestsNotIn(
  context: HarvestContext,
  included: ReadonlySet<string>,
): Promise<{ ids: PostIdList; harvests: string[] }> {
  const { store, config, log } = context;
  const ids = new PostIdList();
  const harvests = new Set<string>();
  const damaged: DamagedFiles = new Map();
  for (const file of await tweetFiles(store, config.id)) {
    if (included.has(file.harvestId)) continue;
    harvests.add(file.harvestId);
    for await (const page of pagesOf(store, file.key, undefined, damaged)) for (const id of postIdsOf(page)) ids.add(id);
  }
  if (damaged.size > 0) log.warn('damaged tweet files were counted up to the damage', { files: [...damaged.keys()] });
  return { ids, harvests: [...harvests] };
}
