/*
 * The user_timeline kind in the estimate: a first harvest reads each account's newest
 * min(tweet_count, 3,200) posts (as `users add` learned them) and looks each account up once; a
 * month reads what the accounts post a day and looks them up once `lookup_every` has passed (daily
 * by default). The posting rate is what the harvests observed between two look-ups (state.json),
 * else the lifetime average `users add` kept; an account never looked up is priced at the 3,200
 * posts a timeline can give first, and its months not at all.
 */

import { DAYS_PER_MONTH, firstTimelinePosts, TIMELINE_DEPTH } from '../../platform/billing/cost-model.js';
import { lookupEveryMs } from '../../platform/lookup-every.js';
import type { DesiredCollection } from '../plan/model.js';
import { figure, round1, type CostInputs, type EstimateKind, type KindCost } from './estimate-kind.js';

export const userTimelineEstimate: EstimateKind = {
  costFields: ['users'],
  cost: timelineCost,
};

function timelineCost(d: DesiredCollection, inputs: CostInputs): KindCost {
  const users = Object.keys(d.body.users ?? {});
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
  const lookupEveryDays = lookupEveryMs(d.body.lookup_every) / 86_400_000;
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
