/*
 * The quotes kind in the estimate: not priced in advance. X's counts document no operator for a
 * post's quotes, and what a post's quote count was when another collection stored it says nothing
 * of the quotes to come; each harvest's cost is in its harvest.json, and counts in the month's
 * spend like any read.
 */

import type { EstimateKind } from './estimate-kind.js';

export const quotesEstimate: EstimateKind = {
  costFields: ['posts', 'from_collection', 'max_posts'],
  cost: () => ({
    note: "X's counts document no operator for a post's quotes; each harvest's cost is recorded as it runs",
  }),
};
