/* The list kind in the plan: its lists and whether their members are recorded. */

import type { ListCollection } from '../desired/kind-list.js';
import type { PlanKind } from './plan-kind.js';

export const listPlan: PlanKind<ListCollection> = {
  render: (collection) => ({
    lists: [...collection.lists],
    members: collection.members,
    ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
  }),
};
