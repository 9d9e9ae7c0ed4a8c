/*
 * The filter kind in the estimate: its rules OR-ed into queries no longer than recent search takes
 * (posts matching rules in two queries are counted twice), counted and scaled as a search is; a
 * stream has no first harvest (it starts now, and backfill is not sold pay-per-use); max_records
 * bounds it.
 */

import { countedMonth, figure, type EstimateKind } from './estimate-kind.js';

export const filterEstimate: EstimateKind = {
  costFields: ['rules', 'track', 'follow', 'max_records'],
  countQueries(d, queryLength) {
    const rules = (d.body.rules ?? []).map((r) => r.value);
    const tooLong = rules.find((r) => r.length + 2 > queryLength);
    if (tooLong !== undefined)
      return { queries: [], uncountable: `a rule is longer than the ${queryLength} characters a count query takes` };
    const queries: string[] = [];
    let current = '';
    for (const rule of rules) {
      const clause = `(${rule})`;
      const joined = current === '' ? clause : `${current} OR ${clause}`;
      if (joined.length <= queryLength) current = joined;
      else {
        queries.push(current);
        current = clause;
      }
    }
    if (current !== '') queries.push(current);
    return { queries };
  },
  cost(d, inputs) {
    const counted = inputs.weekly.get(d.id);
    if (typeof counted !== 'number') return { note: counted?.reason ?? 'not counted' };
    const prices = inputs.settings.prices;
    return {
      first: figure({ posts: 0 }, prices, 'a stream has no first harvest: it starts now'),
      monthly: countedMonth(d, counted, prices).monthly,
    };
  },
};
