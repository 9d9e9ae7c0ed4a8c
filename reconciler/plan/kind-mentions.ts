/* The mentions kind in the plan: its accounts, and a page of each one's mention timeline per harvest. */

import type { MentionsCollection } from '../desired/kind-mentions.js';
import { renderAccounts } from './accounts.js';
import type { PlanKind } from './plan-kind.js';

export const mentionsPlan: PlanKind<MentionsCollection> = {
  render: (collection) => ({
    users: renderAccounts(collection.users),
    ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
  }),
  // X's rate-limit table: 450 requests per 15 minutes per app.
  rateWindow: (body) => ({ endpoint: 'users/:id/mentions', perWindow: 450, requests: Object.keys(body.users ?? {}).length }),
};
