/* The user_timeline kind in the plan: its accounts (without what users add learned), and a page per account per harvest. */

import type { UserTimelineCollection } from '../desired/collection.js';
import type { PlanKind } from './plan-kind.js';

export const userTimelinePlan: PlanKind<UserTimelineCollection> = {
  render: (collection) => ({
    // What users add learned of an account prices plans; it is no part of what a harvest runs with.
    users: Object.fromEntries(Object.entries(collection.users).map(([id, { looked_up: _facts, ...user }]) => [id, { ...user }])),
    delete_users_for: [...collection.delete_users_for],
    ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
    ...(collection.lookup_every !== undefined ? { lookup_every: collection.lookup_every } : {}),
  }),
  rateWindow: (body) => ({ endpoint: 'users/:id/tweets', perWindow: 10_000, requests: Object.keys(body.users ?? {}).length }),
};
