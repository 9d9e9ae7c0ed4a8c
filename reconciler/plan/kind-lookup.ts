/* The lookup kind in the plan: its ids stored as an input named by their hash, which collection.json names; 100 ids a request. */

import { createHash } from 'node:crypto';
import type { LookupCollection } from '../desired/kind-lookup.js';
import type { PlanKind } from './plan-kind.js';

const idsBody = (ids: readonly string[]): string => (ids.length === 0 ? '' : `${ids.join('\n')}\n`);
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const lookupPlan: PlanKind<LookupCollection> = {
  render: (collection) => ({
    ids_file: collection.ids_file,
    ids: { sha256: sha256(idsBody(collection.ids)), count: collection.ids.length },
    refresh: collection.refresh,
    ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
  }),
  inputs: (collection) => {
    const body = idsBody(collection.ids);
    return [{ name: `ids-${sha256(body)}.txt`, body }];
  },
  // X's rate-limit table: 3,500 requests per 15 minutes per app.
  rateWindow: (body) => ({ endpoint: 'tweets', perWindow: 3500, requests: Math.ceil((body.ids?.count ?? 0) / 100) }),
};
