/*
 * The quotes kind in the estimate: no count in advance. X's counts document no operator for a
 * post's quotes, and a first harvest reads every quote so far; once its harvests have run, a month
 * is what they read lately, scaled. Each harvest's cost is in its harvest.json.
 */

import { historyMonth, type EstimateKind } from './estimate-kind.js';

export const quotesEstimate: EstimateKind = {
  costFields: ['posts', 'from_collection', 'max_posts'],
  pricedByHistory: true,
  cost: (d, inputs) => {
    const monthly = historyMonth(d, inputs);
    const first = "a first harvest reads every quote so far, which X's counts cannot tell (no documented operator)";
    return monthly !== undefined ? { monthly, note: first } : { note: `${first}; a month is priced once its harvests have run` };
  },
};
