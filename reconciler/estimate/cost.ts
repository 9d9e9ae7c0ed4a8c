/*
 * What a plan would cost in X's pay-per-use dollars (pure: the counts are fetched at the edge,
 * estimate-cost.ts). For each active collection, a month of harvesting; for each one this plan adds,
 * resumes or changes, also its first harvest. A total for this month (the first harvests, a month of
 * every active collection, and the counts requests the estimate itself paid for) is set against
 * the budget and the Post cap. How every figure was made is said next to it.
 *
 * - search: X's recent counts of the last 7 days; a first harvest reads those 7 days (recent
 *   search's reach), or for a full-archive search with an older start_time what X's full-archive
 *   counts give back to it; a month is the week scaled by 30.44 / 7; max_records bounds both.
 * - filter: the rules' counts, scaled the same way; a stream has no first harvest (it starts now,
 *   and backfill is not sold pay-per-use); max_records bounds it.
 * - user_timeline: a first harvest reads each account's newest min(tweet_count, 3,200) posts (as
 *   `users add` learned them) and looks each account up once; a month reads what the accounts post
 *   a day and looks them up once `lookup_every` has passed (daily by default). The posting rate is
 *   what the harvests observed between two look-ups (state.json), else the lifetime average `users
 *   add` kept; an account never looked up is priced at the 3,200 posts a timeline can give first,
 *   and its months not at all.
 *
 * Objects of `includes` (authors, referenced posts) are left out: X's pages do not say whether it
 * charges them, and harvests record them apart as possibly billed.
 */

import {
  costOf,
  DAYS_PER_MONTH,
  firstTimelinePosts,
  formatUsd,
  NO_READS,
  roundUsd,
  TIMELINE_DEPTH,
  type BillableReads,
} from '../../platform/billing/cost-model.js';
import type { Prices } from '../../platform/billing/prices.js';
import { lookupEveryMs } from '../../platform/lookup-every.js';
import type { DesiredCollection, Plan } from '../plan/model.js';

export interface Figure {
  readonly posts: number;
  readonly users: number;
  readonly usd: number;
  /** How it was estimated. */
  readonly how: string;
}

export interface CollectionCost {
  readonly id: string;
  readonly type: string;
  readonly profile: string;
  /** Added, resumed or changed by this plan. */
  readonly changed: boolean;
  readonly first?: Figure;
  readonly monthly?: Figure;
  /** Why a figure is missing or partial. */
  readonly note?: string;
}

export interface CostEstimate {
  readonly accessLevel: string;
  readonly prices: Prices;
  readonly pricesAsOf: string;
  readonly postCap: number;
  readonly budgetUsd?: number;
  readonly collections: readonly CollectionCost[];
  /** The counts requests this estimate made, each charged. */
  readonly estimate: { readonly countsRequests: number; readonly usd: number };
  readonly firstHarvestsUsd: number;
  readonly monthlyUsd: number;
  /** First harvests + a month of every active collection + the estimate's own requests. */
  readonly thisMonthUsd: number;
  /** Posts read this month on the same reckoning, against the cap. */
  readonly thisMonthPosts: number;
  readonly overBudget: boolean;
  readonly overCap: boolean;
  /** Collections with no monthly figure: the total leaves them out. */
  readonly notEstimated: readonly string[];
}

export interface CostInputs {
  readonly desired: readonly DesiredCollection[];
  readonly changed: ReadonlySet<string>;
  /** Posts a week by search or filter collection, from X's counts; a reason where there is none. */
  readonly weekly: ReadonlyMap<string, number | { readonly reason: string }>;
  /** Posts a full-archive search's first harvest reads back to its start_time, from X's full-archive counts. */
  readonly reachBack?: ReadonlyMap<string, number | { readonly reason: string }>;
  /** The counts requests the estimate made, each charged. */
  readonly countsRequests: { readonly recent: number; readonly all: number };
  /** Posts a day of a timeline's accounts as its harvests observed them between look-ups, by collection and user id. */
  readonly observedRates?: ReadonlyMap<string, Readonly<Record<string, number>>>;
  /** A timeline's accounts that harvests already reached (a resume point in state.json): no first harvest for them. */
  readonly harvestedAccounts?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Harvests a month of a schedule (undefined: none, harvested by hand). */
  readonly runsPerMonth: (schedule: string | undefined) => number;
  readonly settings: {
    readonly accessLevel: string;
    readonly prices: Prices;
    readonly pricesAsOf: string;
    readonly postCap: number;
    readonly budgetUsd?: number;
  };
}

const COST_FIELDS = /^\/(query|archive|start_time|end_time|max_records|rules|track|follow|users|schedule)(\/|$)/;

/** The collections whose cost this plan moves: added, resumed, or changed where cost comes from. */
export function costChanges(plan: Pick<Plan, 'actions'>): Set<string> {
  return new Set(
    plan.actions
      .filter(
        (a) =>
          a.kind === 'create' ||
          a.kind === 'resume' ||
          a.kind === 'adopt' ||
          (a.kind === 'update' && a.changes.some((c) => COST_FIELDS.test(c.path.startsWith('/') ? c.path : `/${c.path}`))),
      )
      .map((a) => a.id),
  );
}

export function costEstimate(inputs: CostInputs): CostEstimate {
  const { settings } = inputs;
  const collections = inputs.desired
    .filter((d) => d.state === 'active')
    .map((d) => withinBudget(collectionCost(d, inputs.changed.has(d.id), inputs), d.body.budget?.monthly_usd));
  const estimateUsd = costOf(
    { ...NO_READS, counts_recent_requests: inputs.countsRequests.recent, counts_all_requests: inputs.countsRequests.all },
    settings.prices,
  ).usd;
  const firstHarvestsUsd = roundUsd(collections.reduce((sum, c) => sum + (c.changed ? (c.first?.usd ?? 0) : 0), 0));
  const monthlyUsd = roundUsd(collections.reduce((sum, c) => sum + (c.monthly?.usd ?? 0), 0));
  const thisMonthUsd = roundUsd(firstHarvestsUsd + monthlyUsd + estimateUsd);
  const thisMonthPosts = collections.reduce((sum, c) => sum + (c.changed ? (c.first?.posts ?? 0) : 0) + (c.monthly?.posts ?? 0), 0);
  return {
    accessLevel: settings.accessLevel,
    prices: settings.prices,
    pricesAsOf: settings.pricesAsOf,
    postCap: settings.postCap,
    ...(settings.budgetUsd !== undefined ? { budgetUsd: settings.budgetUsd } : {}),
    collections,
    estimate: { countsRequests: inputs.countsRequests.recent + inputs.countsRequests.all, usd: estimateUsd },
    firstHarvestsUsd,
    monthlyUsd,
    thisMonthUsd,
    thisMonthPosts,
    overBudget: settings.budgetUsd !== undefined && thisMonthUsd > settings.budgetUsd,
    overCap: thisMonthPosts > settings.postCap,
    notEstimated: collections.filter((c) => c.monthly === undefined).map((c) => c.id),
  };
}

function collectionCost(d: DesiredCollection, changed: boolean, inputs: CostInputs): CollectionCost {
  const base = { id: d.id, type: d.body.type, profile: d.body.credentials, changed };
  if (d.body.type === 'user_timeline') return { ...base, ...timelineCost(d, inputs) };
  const counted = inputs.weekly.get(d.id);
  if (typeof counted !== 'number') return { ...base, note: counted?.reason ?? 'not counted' };
  const prices = inputs.settings.prices;
  const bound = d.body.max_records;
  const bounded = (posts: number): number => Math.round(bound === undefined ? posts : Math.min(posts, bound));
  const monthlyPosts = bounded((counted * DAYS_PER_MONTH) / 7);
  const monthly = figure({ posts: monthlyPosts }, prices, `X's counts: ${counted.toLocaleString('en')} posts in 7 days, x 30.44 / 7`);
  if (d.body.type === 'filter')
    return { ...base, first: figure({ posts: 0 }, prices, 'a stream has no first harvest: it starts now'), monthly };
  const back = inputs.reachBack?.get(d.id);
  if (back === undefined)
    return { ...base, first: figure({ posts: bounded(counted) }, prices, "the last 7 days, recent search's reach"), monthly };
  if (typeof back !== 'number') return { ...base, monthly, note: `a first harvest back to its start_time: ${back.reason}` };
  return { ...base, first: figure({ posts: bounded(back) }, prices, `X's full-archive counts back to its start_time`), monthly };
}

function timelineCost(d: DesiredCollection, inputs: CostInputs): Pick<CollectionCost, 'first' | 'monthly' | 'note'> {
  const users = d.body.type === 'user_timeline' ? Object.keys(d.body.users ?? {}) : [];
  const facts = d.lookedUp ?? {};
  const harvested = inputs.harvestedAccounts?.get(d.id) ?? new Set<string>();
  const fresh = users.filter((id) => !harvested.has(id));
  const known = fresh.filter((id) => facts[id] !== undefined);
  const unknown = fresh.length - known.length;
  const prices = inputs.settings.prices;
  const firstPosts = known.reduce((sum, id) => sum + firstTimelinePosts(facts[id]?.tweet_count ?? 0), 0) + unknown * TIMELINE_DEPTH;
  const already = fresh.length < users.length ? ` (${users.length - fresh.length} harvested before: none of theirs)` : '';
  const first = figure(
    { posts: firstPosts, users: fresh.length },
    prices,
    fresh.length === 0
      ? 'every account was harvested before: no first harvest'
      : unknown === 0
        ? `each new account's newest min(tweet_count, 3,200) posts, and one look-up each${already}`
        : `${known.length} accounts by their tweet_count, ${unknown} never looked up at 3,200 each; one look-up each${already}`,
  );
  const observed = inputs.observedRates?.get(d.id) ?? {};
  const rateOf = (id: string): number | undefined => observed[id] ?? facts[id]?.posts_per_day;
  const withRate = users.filter((id) => rateOf(id) !== undefined);
  const seen = users.filter((id) => observed[id] !== undefined).length;
  const runs = inputs.runsPerMonth(d.body.schedule);
  const lookupEveryDays = lookupEveryMs(d.body.type === 'user_timeline' ? d.body.lookup_every : undefined) / 86_400_000;
  const lookups = Math.min(runs, DAYS_PER_MONTH / lookupEveryDays);
  const monthlyPosts = Math.round(withRate.reduce((sum, id) => sum + (rateOf(id) ?? 0), 0) * DAYS_PER_MONTH);
  const rates =
    seen === 0 ? 'their lifetime average' : seen === withRate.length ? 'as harvests observed them' : `${seen} as harvests observed them`;
  const monthly = figure(
    { posts: runs === 0 ? 0 : monthlyPosts, users: Math.round(users.length * lookups) },
    prices,
    runs === 0
      ? 'no schedule: harvested by hand only'
      : `what the accounts post a day (${rates}) x 30.44, and ${round1(lookups)} look-ups of each account (${round1(runs)} harvests a month)`,
  );
  const missing = runs === 0 ? 0 : users.length - withRate.length;
  return {
    first,
    ...(missing === users.length && users.length > 0 ? {} : { monthly }),
    ...(missing > 0
      ? {
          note: `${missing} of ${users.length} accounts with no posting rate yet (never looked up): ${missing === users.length ? 'no monthly figure' : 'their posts are not in the monthly figure'}`,
        }
      : {}),
  };
}

/** A collection's own budget bounds what its harvests spend in a month: they stop before passing it. */
function withinBudget(cost: CollectionCost, budget: number | undefined): CollectionCost {
  if (budget === undefined) return cost;
  const bound = (f: Figure | undefined): Figure | undefined =>
    f === undefined || f.usd <= budget ? f : { ...f, usd: budget, how: `${f.how}; bounded by its budget of ${formatUsd(budget)} a month` };
  const first = bound(cost.first);
  const monthly = bound(cost.monthly);
  return { ...cost, ...(first ? { first } : {}), ...(monthly ? { monthly } : {}) };
}

function figure(reads: { posts: number; users?: number }, prices: Prices, how: string): Figure {
  const billable: BillableReads = { ...NO_READS, posts: reads.posts, users: reads.users ?? 0 };
  return { posts: reads.posts, users: reads.users ?? 0, usd: costOf(billable, prices).usd, how };
}

const round1 = (value: number): string => (Math.round(value * 10) / 10).toLocaleString('en');
