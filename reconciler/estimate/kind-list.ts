/*
 * The list kind in the estimate: no count in advance. What a list holds (its members, how much
 * they post) is known only by reading it, a paid read; once its harvests have run, a month is what
 * they read lately (posts, and the members as user reads), scaled.
 */

import { historyMonth, type EstimateKind } from './estimate-kind.js';

export const listEstimate: EstimateKind = {
  costFields: ['lists', 'members'],
  pricedByHistory: true,
  cost: (d, inputs) => {
    const monthly = historyMonth(d, inputs);
    const first = `what ${d.body.lists?.length ?? 0} list(s) hold is known only by reading them`;
    return monthly !== undefined
      ? { monthly, note: `${first}: no first harvest counted` }
      : { note: `${first}; a month is priced once its harvests have run` };
  },
};
