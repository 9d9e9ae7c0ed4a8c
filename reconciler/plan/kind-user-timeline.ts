/* The user_timeline kind in the plan: its accounts (without what users add learned), and a page per account per harvest. */

import type { UserTimelineCollection } from '../desired/collection.js';
import { renderAccounts } from './accounts.js';
import type { PlanKind } from './plan-kind.js';

export const userTimelinePlan: PlanKind<UserTimelineCollection> = {
  render: (collection) => ({
    users: renderAccounts(collection.users),
    delete_users_for: [...collection.delete_users_for],
    ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
    ...(collection.lookup_every !== undefined ? { lookup_every: collection.lookup_every } : {}),
  }),
  rateWindow: (body) => ({ endpoint: 'users/:id/tweets', perWindow: 10_000, requests: Object.keys(body.users ?? {}).length }),
};
