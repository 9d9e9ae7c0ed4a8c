/*
 * The list kind in the estimate: not priced in advance. How much a list's members post, and how
 * many members it has, is known only by reading it (a paid read); each harvest's cost is in its
 * harvest.json, and counts in the month's spend like any read.
 */

import type { EstimateKind } from './estimate-kind.js';

export const listEstimate: EstimateKind = {
  costFields: ['lists', 'members'],
  cost: (d) => ({
    note: `what ${d.body.lists?.length ?? 0} list(s) hold is known only by reading them; each harvest's cost is recorded as it runs`,
  }),
};
