/*
 * The filter kind in the estimate: its rules OR-ed into queries no longer than recent search takes
 * (posts matching rules in two queries are counted twice), counted and scaled as a search is; a
 * stream has no first harvest (it starts now, and backfill is not sold pay-per-use); max_records
 * bounds it.
 */

import { countedMonth, figure, type EstimateKind } from './estimate-kind.js';
import { orQueries } from '../../platform/x-api/or-queries.js';

export const filterEstimate: EstimateKind = {
  costFields: ['rules', 'track', 'follow', 'max_records'],
  countQueries(d, queryLength) {
    const rules = (d.body.rules ?? []).map((r) => r.value);
    const tooLong = rules.find((r) => r.length + 2 > queryLength);
    if (tooLong !== undefined)
      return { queries: [], uncountable: `a rule is longer than the ${queryLength} characters a count query takes` };
    return { queries: orQueries(rules, queryLength).queries };
  },
  cost(d, inputs) {
    const month = countedMonth(d, inputs);
    if ('note' in month) return month;
    return { first: figure({ posts: 0 }, inputs.settings.prices, 'a stream has no first harvest: it starts now'), monthly: month.monthly };
  },
};
