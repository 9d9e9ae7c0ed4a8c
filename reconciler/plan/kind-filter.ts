/* The filter kind in the plan: its compiled rules; a stream has no schedule to collide. */

import type { FilterCollection } from '../desired/collection.js';
import type { PlanKind } from './plan-kind.js';

export const filterPlan: PlanKind<FilterCollection> = {
  render: (collection) => ({
    rules: collection.rules.map((rule) => ({ ...rule })),
    track: [...collection.track],
    follow: [...collection.follow],
    ...(collection.max_records !== undefined ? { max_records: collection.max_records } : {}),
    // Written only when on, so that collections made before it render as they did.
    ...(collection.repair_gaps ? { repair_gaps: true } : {}),
  }),
};
