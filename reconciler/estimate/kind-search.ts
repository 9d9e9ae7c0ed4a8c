/*
 * The search kind in the estimate: X's recent counts of the last 7 days; a first harvest reads
 * those 7 days (recent search's reach), or for a full-archive search with an older start_time what
 * X's full-archive counts give back to it; a month is the week scaled by 30.44 / 7; max_records
 * bounds both.
 */

import { countedMonth, figure, type EstimateKind } from './estimate-kind.js';

const WEEK_MS = 7 * 86_400_000;

export const searchEstimate: EstimateKind = {
  costFields: ['query', 'archive', 'start_time', 'end_time', 'max_records'],
  countQueries(d, _queryLength, now) {
    const { start_time: start, end_time: end } = d.body;
    const reachesBack = d.body.archive === true && start !== undefined && Date.parse(start) < now - WEEK_MS;
    return { queries: [d.body.query ?? ''], ...(reachesBack ? { reachesBack: { start, ...(end !== undefined ? { end } : {}) } } : {}) };
  },
  cost(d, inputs) {
    const month = countedMonth(d, inputs);
    if ('note' in month) return month;
    const { counted, monthly, bounded } = month;
    const prices = inputs.settings.prices;
    const back = inputs.reachBack?.get(d.id);
    if (back === undefined)
      return { first: figure({ posts: bounded(counted) }, prices, "the last 7 days, recent search's reach"), monthly };
    if (typeof back !== 'number') return { monthly, note: `a first harvest back to its start_time: ${back.reason}` };
    return { first: figure({ posts: bounded(back) }, prices, `X's full-archive counts back to its start_time`), monthly };
  },
};
