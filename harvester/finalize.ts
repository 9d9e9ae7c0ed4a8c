import { costOf } from '../platform/billing/cost-model.js';
import { DEFAULT_PRICES, PRICES_AS_OF } from '../platform/billing/prices.js';
import type { HeldLock } from '../platform/archive/lock.js';
import { readObject, writeObject, type Takeover } from '../platform/archive/objects.js';
import { collectionKeys, harvestIdOfKey } from '../platform/archive/keys.js';
import { listAll, type ArchiveStore } from '../platform/archive/store.js';
import { countDistinctPosts } from './post-index.js';
import { recordError, type HarvestContext, type HarvestOutcome, type HarvestRecord } from './harvest-context.js';

/** The harvest.json of a harvest in progress or finished. */
export function harvestRecord(context: HarvestContext, startedAt: Date, outcome: HarvestRecord['outcome'], took?: Takeover): HarvestRecord {
  const { files, stats, stop } = context;
  const stored = files.stored;
  return {
    format: 'twarc-cloud/harvest@1',
    collection: context.config.id,
    harvest_id: context.harvestId,
    type: context.config.type,
    started_at: startedAt.toISOString(),
    ...(outcome !== 'running' ? { ended_at: new Date().toISOString() } : {}),
    outcome,
    ...(stop.reason ? { stop_reason: stop.reason.detail } : {}),
    tweets: stored.reduce((sum, f) => sum + f.tweets, 0),
    bytes: stored.reduce((sum, f) => sum + f.bytes, 0),
    files: [...stored],
    ...(stats.gaps.length > 0 ? { gaps: [...stats.gaps] } : {}),
    requests: { ...stats.requests },
    rate_limit_waits: { count: stats.rateLimitWaits.count, seconds: Math.round(stats.rateLimitWaits.seconds * 1000) / 1000 },
    reconnects: stats.reconnects,
    errors: [...stats.errors],
    ...(took ? { took_over: took } : {}),
    billable: stats.billing.total,
    cost: { ...costOf(stats.billing.total, DEFAULT_PRICES), prices_as_of: PRICES_AS_OF },
  };
}

/**
 * Ends a harvest completely, whatever ended it: every file stored, the manifest, harvest.json,
 * then (if the lock is still ours) state, last_harvest.json and the lock's release. A harvest
 * whose lock was taken over writes only inside its own folder.
 */
export async function finalizeHarvest(
  context: HarvestContext,
  run: { readonly startedAt: Date; readonly lock: HeldLock; readonly lostLock: () => boolean; readonly took: Takeover | undefined },
): Promise<HarvestOutcome> {
  const { store, keys, log, stop, config } = context;
  let failed = false;
  try {
    await context.files.close();
  } catch (error) {
    failed = true;
    const message = log.scrub(error instanceof Error ? error.message : String(error));
    recordError(context.stats, `storing tweet files failed: ${message}`);
    stop.stop('failed', `storing tweet files failed: ${message}`);
  }
  const cause = stop.reason?.cause;
  const outcome: HarvestOutcome =
    failed || cause === 'failed' || cause === 'lock_lost'
      ? 'failed'
      : cause === 'requested' || cause === 'signal' || cause === 'budget'
        ? 'stopped'
        : 'completed';
  await store.put(keys.manifest, context.files.manifest(), { contentType: 'text/plain' });
  const record = harvestRecord(context, run.startedAt, outcome, run.took);
  await writeObject(store, keys.summary, 'harvest', record);
  if (!run.lostLock()) {
    const total = await tweetsStored(context, record.tweets);
    await context.state.save();
    const distinct = await distinctPosts(context, record.tweets, total);
    await writeObject(store, collectionKeys(config.id).lastHarvest, 'last-harvest', {
      format: 'twarc-cloud/last-harvest@1',
      collection: config.id,
      harvest_id: context.harvestId,
      prefix: keys.prefix,
      ended_at: record.ended_at ?? new Date().toISOString(),
      outcome,
      tweets: record.tweets,
      ...(total !== undefined ? { total_tweets: total } : {}),
      ...(distinct !== undefined ? { distinct_tweets: distinct } : {}),
    });
    // A stop request is written only when the control API did not answer; one that came too late to
    // be seen names this harvest, so no later one heeds it, and the next request replaces it.
    if (stop.reason?.cause === 'requested') {
      const stopRequest = await readObject(store, collectionKeys(config.id).stopRequest, 'stop-request').catch(() => undefined);
      if (stopRequest?.value.harvest_id === context.harvestId)
        await store.delete(collectionKeys(config.id).stopRequest, { ifMatch: stopRequest.etag }).catch(() => undefined);
    }
    await run.lock.release();
  }
  log.info('harvest ended', {
    outcome,
    reason: stop.reason?.detail,
    tweets: record.tweets,
    files: record.files.length,
    requests: record.requests,
  });
  return outcome;
}

/**
 * Tweets every harvest of the collection stored, this one included: state.json's running total;
 * state written before the total was kept gets it from the archive, once.
 */
async function tweetsStored(context: HarvestContext, tweets: number): Promise<number | undefined> {
  const { draft } = context.state;
  if (draft.tweets_total === undefined) {
    const before = await tweetsStoredBefore(context.store, context.config.id, context.harvestId).catch(() => undefined);
    if (before !== undefined) draft.tweets_total = before + tweets;
  }
  return draft.tweets_total;
}

/**
 * Tweets the collection's earlier harvests stored: the running total of the previous last_harvest.json,
 * or, where it has none (written before totals were kept), the sum of every earlier harvest.json, once.
 */
async function tweetsStoredBefore(store: ArchiveStore, collectionId: string, harvestId: string): Promise<number> {
  const keys = collectionKeys(collectionId);
  const previous = await readObject(store, keys.lastHarvest, 'last-harvest');
  if (previous?.value.total_tweets !== undefined && previous.value.harvest_id !== harvestId) return previous.value.total_tweets;
  let total = 0;
  for await (const object of listAll(store, keys.harvestsPrefix)) {
    if (!object.key.endsWith('/harvest.json') || harvestIdOfKey(object.key) === harvestId) continue;
    total += (await readObject(store, object.key, 'harvest'))?.value.tweets ?? 0;
  }
  return total;
}

/**
 * The collection's distinct posts, or undefined when they could not be counted: the count is a
 * convenience, and a harvest never fails for it.
 */
async function distinctPosts(context: HarvestContext, tweets: number, total: number | undefined): Promise<number | undefined> {
  try {
    // Nothing stored (the common incremental harvest): the last count stands if it counted the same total, and the index is not read.
    if (tweets === 0) {
      const last = (await readObject(context.store, collectionKeys(context.config.id).lastHarvest, 'last-harvest'))?.value;
      if (last?.distinct_tweets !== undefined && last.total_tweets === total) return last.distinct_tweets;
    }
    const counted = await countDistinctPosts(context, tweets, total, context.stop.reason?.cause !== 'signal');
    if (counted.caughtUp > 0)
      context.log.info('counted the posts of earlier harvests into the post id index', { harvests: counted.caughtUp });
    return counted.posts;
  } catch (error) {
    context.log.warn('the distinct posts could not be counted', {
      error: context.log.scrub(error instanceof Error ? error.message : String(error)),
    });
    return undefined;
  }
}
