/*
 * What a plan would cost in X's pay-per-use dollars (pure: the counts are fetched at the edge,
 * estimate-cost.ts). For each active collection, a month of harvesting; for each one this plan adds,
 * resumes or changes, also its first harvest. A total for this month (the first harvests, a month of
 * every active collection, and the counts requests the estimate itself paid for) is set against
 * the budget and the Post cap. How every figure was made is said next to it.
 *
 * How each kind is priced is its own module's business (kind-*.ts, listed in kinds.ts): searches
 * and streams by X's counts, timelines by what `users add` and the harvests learned of the accounts.
 *
 * Objects of `includes` (authors, referenced posts) are left out: X's pages do not say whether it
 * charges them, and harvests record them apart as possibly billed.
 */

import { costOf, formatUsd, NO_READS, roundUsd } from '../../platform/billing/cost-model.js';
import type { Prices } from '../../platform/billing/prices.js';
import type { DesiredCollection, Plan } from '../plan/model.js';
import type { CollectionCost, CostInputs, Figure } from './estimate-kind.js';
import { ESTIMATE_KINDS, estimateKind } from './kinds.js';

export type { CollectionCost, CostInputs, Figure } from './estimate-kind.js';

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

const COST_FIELDS = new RegExp(`^/(${['schedule', ...ESTIMATE_KINDS.flatMap((kind) => kind.costFields)].join('|')})([/.[]|$)`);

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
  const kind = estimateKind(d.body.type);
  return { ...base, ...(kind === undefined ? { note: `no estimate for a ${d.body.type} collection` } : kind.cost(d, inputs)) };
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
