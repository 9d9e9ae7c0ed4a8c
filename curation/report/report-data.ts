/*
 * What a collection's report shows, read from the archive: its harvests' records (outcome, tweets,
 * requests, rate-limit waits, recorded gaps) and, from its tweet files streamed once, tweets per
 * hour by creation time, the top hashtags, mentions, authors and languages, and for streams the
 * tweets each rule matched and the messages its stream group matched to none. A tweet harvested more
 * than once counts once.
 */

import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { listAll, type ArchiveStore } from '../../platform/archive/store.js';
import { costOf } from '../../platform/billing/cost-model.js';
import { DEFAULT_PRICES, type Prices } from '../../platform/billing/prices.js';
import type { CollectionConfig } from '../collection.js';
import { pagesOf, tweetFiles, type DamagedFiles } from '../../platform/archive/harvest-files.js';
import { IdSet } from '../export/id-set.js';
import { tweetsOfLine } from '../export/tweet-columns.js';
import { streamReport, type StreamReport } from './stream-matches.js';

export interface HarvestRow {
  readonly id: string;
  readonly started_at: string;
  readonly ended_at?: string;
  readonly outcome: string;
  readonly tweets: number;
  readonly requests: number;
  readonly rate_limit_waits: number;
  readonly rate_limit_wait_seconds: number;
  /** Stretches a stream lost, each with what its repair did (absent where repair_gaps was off). */
  readonly gaps: ReadonlyArray<NonNullable<HarvestRecord['gaps']>[number]>;
  /** What its reads cost at the deployment's prices; absent for harvests that did not record them. */
  readonly cost_usd?: number;
}

export interface ReportData {
  readonly collection: { readonly id: string; readonly type: string; readonly description?: string; readonly state: string };
  readonly generated_at: string;
  readonly tweets: number;
  readonly duplicates: number;
  readonly first_tweet?: string;
  readonly last_tweet?: string;
  /** Tweets by creation time: per hour, or per day over more than two weeks (times in epoch seconds, UTC). */
  readonly volume: { readonly unit: 'hour' | 'day'; readonly times: number[]; readonly tweets: number[] };
  readonly harvests: HarvestRow[];
  readonly top: {
    readonly hashtags: Array<[string, number]>;
    readonly mentions: Array<[string, number]>;
    readonly authors: Array<[string, number]>;
    readonly languages: Array<[string, number]>;
  };
  /** Filter collections: matches per rule, and the messages its stream group kept as matching no rule. */
  readonly stream?: StreamReport;
}

const TOP = 20;

type HarvestRecord = ArchiveObjects['harvest'];

/** Every harvest.json under the collection's harvests, with the prefix of the harvest it describes. */
async function harvestRecords(store: ArchiveStore, prefix: string): Promise<Array<HarvestRecord & { prefix: string }>> {
  const records: Array<HarvestRecord & { prefix: string }> = [];
  for await (const object of listAll(store, prefix)) {
    if (!object.key.endsWith('/harvest.json')) continue;
    const record = (await readObject(store, object.key, 'harvest'))?.value;
    if (record) records.push({ ...record, prefix: object.key.slice(0, -'harvest.json'.length) });
  }
  return records;
}

export async function reportData(
  store: ArchiveStore,
  /** The collection's applied config, as the caller read it (requireCollection) to refuse an unknown id. */
  config: CollectionConfig,
  now = new Date(),
  prices: Prices = DEFAULT_PRICES,
  /** Collects the damaged tweet files, read up to their damage; without it, the first one is refused (--strict). */
  damaged?: DamagedFiles,
): Promise<ReportData> {
  const collectionId = config.id;
  const keys = collectionKeys(collectionId);
  const records = await harvestRecords(store, keys.harvestsPrefix);
  const harvests = records.map((record) => harvestRow(record, prices));
  const counts = {
    hashtags: new Map<string, number>(),
    mentions: new Map<string, number>(),
    authors: new Map<string, number>(),
    languages: new Map<string, number>(),
    rules: new Map<string, number>(),
  };
  const perHour = new Map<number, number>();
  const seen = new IdSet();
  let tweets = 0;
  let duplicates = 0;
  let first: string | undefined;
  let last: string | undefined;
  for (const file of await tweetFiles(store, collectionId)) {
    for await (const line of pagesOf(store, file.key, undefined, damaged)) {
      for (const tweet of tweetsOfLine(line)) {
        const id = tweet.t['id'];
        if (typeof id !== 'string') continue;
        if (!seen.addId(id)) {
          duplicates += 1;
          continue;
        }
        tweets += 1;
        const created = tweet.t['created_at'];
        if (typeof created === 'string') {
          const hour = Math.floor(Date.parse(created) / 3_600_000) * 3600;
          if (Number.isFinite(hour)) perHour.set(hour, (perHour.get(hour) ?? 0) + 1);
          if (first === undefined || created < first) first = created;
          if (last === undefined || created > last) last = created;
        }
        const entities = (tweet.t['entities'] ?? {}) as { hashtags?: Array<{ tag?: unknown }>; mentions?: Array<{ username?: unknown }> };
        for (const tag of entities.hashtags ?? []) if (typeof tag.tag === 'string') bump(counts.hashtags, `#${tag.tag.toLowerCase()}`);
        for (const mention of entities.mentions ?? [])
          if (typeof mention.username === 'string') bump(counts.mentions, `@${mention.username}`);
        const author = tweet.a?.['username'];
        const authorId = tweet.t['author_id'];
        bump(counts.authors, typeof author === 'string' ? `@${author}` : typeof authorId === 'string' ? authorId : '?');
        if (typeof tweet.t['lang'] === 'string') bump(counts.languages, tweet.t['lang']);
        for (const rule of Array.isArray(tweet.rules) ? (tweet.rules as Array<{ tag?: unknown; id?: unknown }>) : [])
          bump(counts.rules, typeof rule.tag === 'string' && rule.tag !== '' ? rule.tag : `rule ${String(rule.id)}`);
      }
    }
  }
  return {
    collection: {
      id: config.id,
      type: config.type,
      state: config.state,
      ...(config.description !== undefined ? { description: config.description } : {}),
    },
    generated_at: now.toISOString(),
    tweets,
    duplicates,
    ...(first !== undefined ? { first_tweet: first } : {}),
    ...(last !== undefined ? { last_tweet: last } : {}),
    volume: volume(perHour),
    harvests: harvests.sort((a, b) => a.started_at.localeCompare(b.started_at)),
    top: {
      hashtags: top(counts.hashtags),
      mentions: top(counts.mentions),
      authors: top(counts.authors),
      languages: top(counts.languages),
    },
    ...(config.type === 'filter' ? { stream: await streamReport(store, config, counts.rules, records) } : {}),
  };
}

function harvestRow(record: HarvestRecord, prices: Prices): HarvestRow {
  return {
    id: record.harvest_id,
    started_at: record.started_at,
    ...(record.ended_at !== undefined ? { ended_at: record.ended_at } : {}),
    outcome: record.outcome,
    tweets: record.tweets,
    requests: Object.values(record.requests).reduce((a, b) => a + b, 0),
    rate_limit_waits: record.rate_limit_waits.count,
    rate_limit_wait_seconds: record.rate_limit_waits.seconds,
    gaps: record.gaps ?? [],
    ...(record.billable ? { cost_usd: costOf(record.billable, prices).usd } : {}),
  };
}

/** Every hour (or day) from the first to the last, empty ones as 0, so that quiet stretches show as quiet. */
function volume(perHour: ReadonlyMap<number, number>): ReportData['volume'] {
  const hours = [...perHour.keys()].sort((a, b) => a - b);
  const start = hours[0];
  const end = hours.at(-1);
  if (start === undefined || end === undefined) return { unit: 'hour', times: [], tweets: [] };
  const unit = end - start > 14 * 86_400 ? 'day' : 'hour';
  const step = unit === 'day' ? 86_400 : 3600;
  const buckets = new Map<number, number>();
  for (const [hour, count] of perHour) {
    const bucket = Math.floor(hour / step) * step;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + count);
  }
  const times: number[] = [];
  for (let time = Math.floor(start / step) * step; time <= end; time += step) times.push(time);
  return { unit, times, tweets: times.map((t) => buckets.get(t) ?? 0) };
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function top(counts: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP);
}
