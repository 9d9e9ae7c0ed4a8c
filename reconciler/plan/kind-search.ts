/* The search kind in the plan: its query and bounds, and a page of recent or full-archive search per harvest. */

import type { SearchCollection } from '../desired/collection.js';
import type { PlanKind } from './plan-kind.js';

export const searchPlan: PlanKind<SearchCollection> = {
  render: (collection) => ({
    query: collection.query,
    archive: collection.archive,
    ...(collection.max_records !== undefined ? { max_records: collection.max_records } : {}),
    ...(collection.start_time !== undefined ? { start_time: collection.start_time } : {}),
    ...(collection.end_time !== undefined ? { end_time: collection.end_time } : {}),
    ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
  }),
  rateWindow: (body) =>
    body.archive === true
      ? { endpoint: 'tweets/search/all', perWindow: 300, requests: 1 }
      : { endpoint: 'tweets/search/recent', perWindow: 450, requests: 1 },
};
