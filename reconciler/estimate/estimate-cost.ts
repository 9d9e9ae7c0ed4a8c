/*
 * The edge of the plan's cost estimate: X's counts of the search and filter collections' queries
 * (recent counts for a month's volume; full-archive counts for a search whose first harvest reaches
 * back past the week), each asked at most once a UTC day: the answer is kept in the archive with
 * its day, because a count costs money too. Estimating is advice, never a reason for a plan to
 * fail: a profile without credentials here (a pull request's plan job has none, by design), or an X
 * that does not answer in time, leaves a note in place of a figure, and timelines are priced from
 * the collection files alone.
 */

import { billingDay, billingMonth } from '../../platform/billing/cost-model.js';
import { monthSpend } from '../../platform/billing/month-spend.js';
import { PRICES_AS_OF } from '../../platform/billing/prices.js';
import { collectionKeys, POST_COUNTS_KEY } from '../../platform/archive/keys.js';
import { readObject, writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { XApiClient } from '../../platform/x-api/client.js';
import { appClient } from '../../platform/x-api/app-client.js';
import { archiveCountRequests, archivePostCount, recentPostCount } from '../../platform/x-api/usage.js';
import type { DesiredCollection, Plan } from '../plan/model.js';
import { runsPerMonth } from '../schedule/next-fire.js';
import type { Settings } from '../settings/settings.js';
import { costChanges, costEstimate, type CostEstimate } from './cost.js';
import type { HarvestHistory } from './estimate-kind.js';
import { estimateKind } from './kinds.js';
import { volumeQueries, type VolumeQuery } from './volume.js';

/** Counting more than this in one plan would eat the counts endpoints' rate limit (300 per 15 minutes). */
const MOST_REQUESTS = 50;
const ANSWER_WITHIN_MS = 20_000;

type Counts = ArchiveObjects['post-counts']['counts'];
type Counted = number | { readonly reason: string };

/** The plan's cost estimate, or undefined when the plan adds, resumes or changes nothing that costs. */
export async function estimateCost(
  desired: readonly DesiredCollection[],
  plan: Pick<Plan, 'actions'>,
  settings: Pick<Settings, 'accessLevel' | 'limits' | 'prices' | 'monthlyPostCap' | 'monthlyBudgetUsd'>,
  store: ArchiveStore,
  env: NodeJS.ProcessEnv,
  now = new Date(),
): Promise<CostEstimate | undefined> {
  const changed = costChanges(plan);
  if (changed.size === 0) return undefined;
  const counter = new Counter(await readCounts(store), now, env);
  const weekly = new Map<string, Counted>();
  const reachBack = new Map<string, Counted>();
  for (const query of volumeQueries(desired, settings.limits.recentSearchQueryLength, now.getTime())) {
    weekly.set(query.id, await counter.recent(query));
    if (query.reachesBack && changed.has(query.id)) reachBack.set(query.id, await counter.archive(query, query.reachesBack));
  }
  await counter.keep(store);
  return costEstimate({
    desired,
    changed,
    weekly,
    reachBack,
    ...(await timelineStates(store, desired)),
    hydratedIds: await hydratedIds(store, desired),
    history: await harvestHistory(store, desired, settings, now),
    countsRequests: counter.requests,
    runsPerMonth,
    settings: {
      accessLevel: settings.accessLevel,
      prices: settings.prices,
      pricesAsOf: PRICES_AS_OF,
      postCap: settings.monthlyPostCap,
      ...(settings.monthlyBudgetUsd !== undefined ? { budgetUsd: settings.monthlyBudgetUsd } : {}),
    },
  });
}

/** Asks X for counts, once a day a query: clients by profile, today's answers, the requests made. */
class Counter {
  readonly requests = { recent: 0, all: 0 };
  private readonly fresh: Counts = {};
  private readonly clients = new Map<string, Promise<XApiClient | { reason: string }>>();
  private readonly today: string;

  constructor(
    private readonly cached: Counts,
    private readonly now: Date,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.today = billingDay(now);
  }

  /** A week of posts matching the collection's queries, by recent counts. */
  async recent(query: VolumeQuery): Promise<Counted> {
    if (query.uncountable !== undefined) return { reason: query.uncountable };
    let total = 0;
    for (const text of query.queries) {
      const counted = await this.once(text, query.profile, 1, async (client) => {
        this.requests.recent += 1;
        return recentPostCount(client, text, AbortSignal.timeout(ANSWER_WITHIN_MS));
      });
      if (typeof counted !== 'number') return counted;
      total += counted;
    }
    return total;
  }

  /** The posts a full-archive search's first harvest reads back to its start_time, by full-archive counts. */
  async archive(query: VolumeQuery, span: { readonly start: string; readonly end?: string }): Promise<Counted> {
    const text = query.queries[0] ?? '';
    return this.once(
      `all ${span.start} ${span.end ?? 'now'} ${text}`,
      query.profile,
      archiveCountRequests(span, this.now),
      async (client) => {
        const counted = await archivePostCount(client, text, span, AbortSignal.timeout(ANSWER_WITHIN_MS * 4));
        this.requests.all += counted.requests;
        return counted.posts;
      },
    );
  }

  /** Today's answer to `key`, else X's (kept for the rest of the day) when its `cost` in requests fits, else why there is none. */
  private async once(key: string, profile: string, cost: number, ask: (client: XApiClient) => Promise<number>): Promise<Counted> {
    const known = this.cached[key] ?? this.fresh[key];
    if (known?.day === this.today) return known.posts;
    if (this.requests.recent + this.requests.all + cost > MOST_REQUESTS)
      return { reason: `not counted: it takes ${cost} counts request${cost === 1 ? '' : 's'}, and a plan makes at most ${MOST_REQUESTS}` };
    const client = await this.client(profile);
    if (!(client instanceof XApiClient)) return client;
    try {
      const posts = await ask(client);
      this.fresh[key] = { day: this.today, posts };
      return posts;
    } catch (error) {
      const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { reason: `not counted: ${detail ?? 'X did not answer'}` };
    }
  }

  private client(profile: string): Promise<XApiClient | { reason: string }> {
    let client = this.clients.get(profile);
    if (client === undefined) {
      client = clientFor(profile, this.env);
      this.clients.set(profile, client);
    }
    return client;
  }

  /** Keeps today's counts; a store that refuses the write (a read-only plan role) costs a count tomorrow, nothing more. */
  async keep(store: ArchiveStore): Promise<void> {
    if (Object.keys(this.fresh).length === 0) return;
    const current = Object.fromEntries(Object.entries(this.cached).filter(([, count]) => count.day === this.today));
    try {
      await writeObject(store, POST_COUNTS_KEY, 'post-counts', {
        format: 'twarc-cloud/post-counts@1',
        counts: { ...current, ...this.fresh },
      });
    } catch {
      // left as it was
    }
  }
}

/**
 * What each active timeline's state.json says of its accounts: their posts a day as harvests observed
 * them between look-ups, and which accounts harvests already reached (a first harvest is only the new ones').
 */
async function timelineStates(
  store: ArchiveStore,
  desired: readonly DesiredCollection[],
): Promise<{ observedRates: Map<string, Record<string, number>>; harvestedAccounts: Map<string, Set<string>> }> {
  const observedRates = new Map<string, Record<string, number>>();
  const harvestedAccounts = new Map<string, Set<string>>();
  for (const d of desired.filter((c) => c.state === 'active' && c.body.users !== undefined)) {
    const users = Object.entries((await readObject(store, collectionKeys(d.id).state, 'state').catch(() => undefined))?.value.users ?? {});
    const observed = users.flatMap(([id, user]) => (user.posts_per_day !== undefined ? [[id, user.posts_per_day] as const] : []));
    if (observed.length > 0) observedRates.set(d.id, Object.fromEntries(observed));
    harvestedAccounts.set(d.id, new Set(users.filter(([, user]) => user.since_id !== undefined).map(([id]) => id)));
  }
  return { observedRates, harvestedAccounts };
}

/**
 * What the harvests of each active collection priced by history read: in the last whole UTC month
 * if they ran then, else in this month so far.
 */
async function harvestHistory(
  store: ArchiveStore,
  desired: readonly DesiredCollection[],
  settings: Pick<Settings, 'prices'>,
  now: Date,
): Promise<Map<string, HarvestHistory>> {
  const history = new Map<string, HarvestHistory>();
  const thisMonth = billingMonth(now);
  const lastMonth = billingMonth(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)));
  const startOfMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  for (const d of desired.filter((c) => c.state === 'active' && estimateKind(c.body.type)?.pricedByHistory === true)) {
    const last = await monthSpend(store, d.id, lastMonth, settings.prices);
    const current = last.harvests > 0 ? undefined : await monthSpend(store, d.id, thisMonth, settings.prices);
    const spend = current ?? last;
    const days = current ? Math.max((now.getTime() - startOfMonth) / 86_400_000, 1 / 24) : daysIn(lastMonth);
    history.set(d.id, { month: spend.month, days, harvests: spend.harvests, posts: spend.reads.posts, users: spend.reads.users });
  }
  return history;
}

const daysIn = (month: string): number => {
  const [year, monthNumber] = month.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, monthNumber ?? 1, 0)).getUTCDate();
};

/** What each active lookup's state.json says its harvests hydrated whole: a plan prices only the ids beyond. */
async function hydratedIds(store: ArchiveStore, desired: readonly DesiredCollection[]): Promise<Map<string, number>> {
  const hydrated = new Map<string, number>();
  for (const d of desired.filter((c) => c.state === 'active' && c.body.ids !== undefined)) {
    const count = (await readObject(store, collectionKeys(d.id).state, 'state').catch(() => undefined))?.value.lookup?.done_count;
    if (count !== undefined) hydrated.set(d.id, count);
  }
  return hydrated;
}

async function readCounts(store: ArchiveStore): Promise<Counts> {
  try {
    return (await readObject(store, POST_COUNTS_KEY, 'post-counts'))?.value.counts ?? {};
  } catch {
    return {}; // a cache that cannot be read costs a count, nothing more
  }
}

async function clientFor(profile: string, env: NodeJS.ProcessEnv): Promise<XApiClient | { reason: string }> {
  const client = await appClient(profile, env);
  if (client === 'no-credentials') return { reason: `not counted: no X API credentials for profile "${profile}" here` };
  if (client === 'no-bearer-token') return { reason: `not counted: profile "${profile}" has no bearer token, which counts need` };
  return client;
}
