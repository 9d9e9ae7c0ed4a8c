/*
 * Filling what a stream lost. A stretch the connection was down (a disconnect, a group that
 * stopped and started again) is searched for with each repairing member's rules, once the stream
 * is back: from a little before the last post the group had read to a little after the first
 * post it read again, by id (snowflakes carry their time, so ids bound it more exactly than a
 * clock would). What the search finds and the member had not stored goes into the harvest that
 * recorded the stretch, each post once; harvest.json's gap says what the repair found and cost,
 * or why it could not (rules too long for a query, a search X refused). A stretch that began more
 * than 7 days ago, beyond recent search, is searched in the full archive; where X refuses that, from
 * where recent search reaches, and the repair says what it left.
 */

import { costOf, NO_READS } from '../../platform/billing/cost-model.js';
import { DEFAULT_PRICES } from '../../platform/billing/prices.js';
import { TWEET_EVERYTHING } from '../../platform/x-api/fields.js';
import { orQueries } from '../../platform/x-api/or-queries.js';
import { firstIdAt, tweetTime } from '../../platform/x-api/snowflake.js';
import { configOfType, writePage, type HarvestContext } from '../harvest-context.js';
import { opensWithData, tweetIdOf } from './replay-guard.js';

export type GapRecord = NonNullable<HarvestContext['stats']['gaps']>[number];

/** Recent search's query length on self-serve access (full-archive search takes 1,024); a longer rule cannot be searched for as it is. */
const QUERY_LENGTH = 512;
/** How far recent search reaches back, less a margin for the time a repair takes. */
const RECENT_REACH_MS = 7 * 86_400_000 - 10 * 60_000;
/** Posts matched around a disconnect may arrive out of order: the search reaches this far beyond each end. */
const MARGIN_MS = 10_000;

export interface RepairBounds {
  /** The last post the group had read before the stretch. */
  readonly afterId?: string;
  /** The first post it read after. */
  readonly beforeId?: string;
}

/** The ids a member stored most recently, so that a repair stores none of them again. */
export class StoredIds {
  private readonly ids = new Set<string>();
  constructor(private readonly limit = 100_000) {}

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value ?? '');
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }
}

/** Where a stream group is between stretches: the newest post it read, and a stretch waiting for its first post after. */
export class GapWatch {
  /** The last post's message read; its id is read only when a stretch is lost (the hot path parses nothing). */
  private lastPost: Buffer | undefined;
  private waiting: Array<(bounds: RepairBounds) => void> = [];
  private afterId: string | undefined;

  /** One message read: the first post after a stretch starts the repairs waiting for it. */
  seen(line: Buffer): void {
    if (!opensWithData(line)) return;
    this.lastPost = line;
    if (this.waiting.length === 0) return;
    const id = tweetIdOf(line);
    if (id === undefined) return;
    const bounds = { ...(this.afterId !== undefined ? { afterId: this.afterId } : {}), beforeId: id };
    for (const start of this.waiting.splice(0)) start(bounds);
  }

  /** A stretch was lost: its repairs start at the first post read after it. */
  lost(repairs: ReadonlyArray<(bounds: RepairBounds) => void>): void {
    if (repairs.length === 0) return;
    this.afterId = this.lastPost && tweetIdOf(this.lastPost);
    this.waiting.push(...repairs);
  }

  /** The group is ending with repairs still waiting for a post: they search up to now. */
  flush(): void {
    const bounds = this.afterId !== undefined ? { afterId: this.afterId } : {};
    for (const start of this.waiting.splice(0)) start(bounds);
  }
}

/** Searches a member's rules over one lost stretch and stores what it had not; records the outcome on the gap. */
export async function repairGap(context: HarvestContext, gap: GapRecord, bounds: RepairBounds, stored: StoredIds): Promise<void> {
  const config = configOfType(context.config, 'filter');
  const lower = bounds.afterId !== undefined ? (tweetTime(bounds.afterId) ?? Date.parse(gap.start)) : Date.parse(gap.start);
  const upper = bounds.beforeId !== undefined ? tweetTime(bounds.beforeId) : undefined;
  const { queries, tooLong } = orQueries(
    config.rules.map((rule) => rule.value),
    QUERY_LENGTH,
  );
  const until = upper !== undefined ? firstIdAt(upper + MARGIN_MS)?.toString() : undefined;
  const found = new Set<string>();
  const read = { posts: 0 };
  const search = async (endpoint: SearchEndpoint, fromMs: number): Promise<void> => {
    const since = (firstIdAt(fromMs) ?? 0n).toString();
    for (const query of queries)
      await searchStretch(context, endpoint, query, since, until, (id) => !stored.has(id) && !found.has(id), found, stored, read);
  };
  const scrubbed = (error: unknown): string => context.log.scrub(error instanceof Error ? error.message : String(error));
  const shortfalls: string[] = [];
  const reach = Date.now() - RECENT_REACH_MS;
  try {
    if (lower - MARGIN_MS >= reach) await search('tweets/search/recent', lower - MARGIN_MS);
    else {
      // Older than recent search reaches (a group stopped for days): the full archive, which pay-per-use
      // includes; where X refuses it, what recent search still reaches, and the rest said.
      try {
        await search('tweets/search/all', lower - MARGIN_MS);
      } catch (error) {
        const refused = `full-archive search failed (${scrubbed(error)})`;
        const endsWithinReach = (upper ?? Date.now()) + MARGIN_MS > reach;
        if (!endsWithinReach && found.size === 0) {
          gap.repair = { outcome: 'not_repaired', reason: `older than the 7 days recent search reaches, and ${refused}` };
          return;
        }
        shortfalls.push(`${refused}; its part before ${new Date(reach).toISOString()} is older than the 7 days recent search reaches`);
        if (endsWithinReach) await search('tweets/search/recent', reach);
      }
    }
  } catch (error) {
    gap.repair = { outcome: 'not_repaired', reason: `the search failed: ${scrubbed(error)}` };
    return;
  }
  // What its searches bought (the harvest's meter, which the stream feeds at the same time, counts them too).
  const usd = costOf({ ...NO_READS, posts: read.posts }, DEFAULT_PRICES).usd;
  if (tooLong.length > 0) shortfalls.push(`${tooLong.length} rule(s) longer than a search query takes were not searched`);
  if (context.stop.stopping) shortfalls.push('the harvest ended before the repair finished');
  gap.repair = {
    outcome: shortfalls.length > 0 ? 'partial' : 'repaired',
    posts: found.size,
    read: read.posts,
    usd,
    ...(shortfalls.length > 0 ? { reason: shortfalls.join('; ') } : {}),
  };
  context.log.info('stream gap repaired by search', { start: gap.start, end: gap.end, posts: found.size, usd, queries: queries.length });
}

type SearchEndpoint = 'tweets/search/recent' | 'tweets/search/all';

async function searchStretch(
  context: HarvestContext,
  endpoint: SearchEndpoint,
  query: string,
  sinceId: string,
  untilId: string | undefined,
  isNew: (id: string) => boolean,
  found: Set<string>,
  stored: StoredIds,
  read: { posts: number },
): Promise<void> {
  let token: string | undefined;
  do {
    if (context.stop.stopping) return;
    const page = await context.client.get(
      endpoint,
      {
        ...TWEET_EVERYTHING,
        query,
        max_results: '100',
        since_id: sinceId,
        ...(untilId !== undefined ? { until_id: untilId } : {}),
        ...(token !== undefined ? { next_token: token } : {}),
      },
      { signal: context.stop.signal },
    );
    const all = (page.body['data'] ?? []) as Array<{ id: string }>;
    read.posts += all.length;
    const data = all.filter((post) => isNew(post.id));
    for (const post of data) {
      found.add(post.id);
      stored.add(post.id);
    }
    if (data.length > 0) await writePage(context, { ...page, body: { ...page.body, data } }, data.length);
    token = (page.body['meta'] as { next_token?: string } | undefined)?.next_token;
  } while (token !== undefined);
}
