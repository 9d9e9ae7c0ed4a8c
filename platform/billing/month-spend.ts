/*
 * What a collection spent on X reads in a billing month: the `billable` counts of every harvest
 * that started in the UTC month, priced at the given prices (the deployment's, so that the figure
 * follows `x_api.prices`). Read by status, list and the harvester's budget check. A harvest that
 * runs into the next month is counted in the month it started.
 */

import { collectionKeys } from '../archive/keys.js';
import { readObject } from '../archive/objects.js';
import { listAll, type ArchiveStore } from '../archive/store.js';
import { addReads, costOf, NO_READS, type BillableReads, type Cost } from './cost-model.js';
import type { Prices } from './prices.js';

export interface MonthSpend extends Cost {
  readonly collection: string;
  readonly month: string;
  readonly harvests: number;
  readonly reads: BillableReads;
}

export async function monthSpend(store: ArchiveStore, collectionId: string, month: string, prices: Prices): Promise<MonthSpend> {
  let reads = NO_READS;
  let harvests = 0;
  for await (const object of listAll(store, collectionKeys(collectionId).harvestsOfMonth(month))) {
    if (!object.key.endsWith('/harvest.json')) continue;
    const record = await readObject(store, object.key, 'harvest');
    if (!record) continue;
    harvests += 1;
    if (record.value.billable) reads = addReads(reads, record.value.billable);
  }
  return { collection: collectionId, month, harvests, reads, ...costOf(reads, prices) };
}
