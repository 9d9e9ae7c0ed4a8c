/*
 * The mentions kind in the estimate: X's recent counts of the accounts' @names OR-ed together, a
 * month the week scaled by 30.44 / 7 (a post mentioning two of them counted twice); a first
 * harvest reads at most the newest 800 mentions of each account not harvested before, as far as
 * the mention timeline reaches.
 */

import { countedMonth, figure, type EstimateKind } from './estimate-kind.js';
import { orQueries } from '../../platform/x-api/or-queries.js';

const MENTIONS_REACH = 800;

export const mentionsEstimate: EstimateKind = {
  costFields: ['users'],
  countQueries: (d, queryLength) => ({
    queries: orQueries(
      Object.values(d.body.users ?? {}).map((user) => `@${user.screen_name}`),
      queryLength,
    ).queries,
  }),
  cost(d, inputs) {
    const month = countedMonth(d, inputs);
    if ('note' in month) return month;
    const harvested = inputs.harvestedAccounts?.get(d.id) ?? new Set<string>();
    const fresh = Object.keys(d.body.users ?? {}).filter((id) => !harvested.has(id)).length;
    const how = `at most the newest ${MENTIONS_REACH} mentions of each of ${fresh} accounts not harvested before`;
    return { first: figure({ posts: fresh * MENTIONS_REACH }, inputs.settings.prices, how), monthly: month.monthly };
  },
};
