/*
 * The lookup kind in the estimate: a first harvest reads each id once (a post read each; ids X no
 * longer serves return nothing, and nothing is billed for them); a month reads every id again
 * each harvest when it refreshes, and otherwise only ids added to the file, which a plan prices
 * when they are added: its first harvest is then only the ids beyond those hydrated before.
 */

import { figure, type EstimateKind } from './estimate-kind.js';

export const lookupEstimate: EstimateKind = {
  costFields: ['ids', 'refresh'],
  cost(d, inputs) {
    const count = d.body.ids?.count ?? 0;
    const prices = inputs.settings.prices;
    // Without refresh, a harvest reads only what the list hydrated before did not hold.
    const hydrated = d.body.refresh === true ? 0 : Math.min(count, inputs.hydratedIds?.get(d.id) ?? 0);
    const before = hydrated > 0 ? `, beyond the ${hydrated.toLocaleString('en')} hydrated before` : '';
    const first = figure(
      { posts: count - hydrated },
      prices,
      `each of ${(count - hydrated).toLocaleString('en')} ids once, at most${before} (X bills only the posts it serves)`,
    );
    if (d.body.refresh !== true)
      return { first, monthly: figure({ posts: 0 }, prices, 'a later harvest reads only ids added to the file') };
    const runs = inputs.runsPerMonth(d.body.schedule);
    const how =
      runs === 0 ? 'no schedule: refreshed by hand only' : `every id again in each of ${runs.toLocaleString('en')} harvests a month`;
    return { first, monthly: figure({ posts: Math.round(count * runs) }, prices, how) };
  },
};
