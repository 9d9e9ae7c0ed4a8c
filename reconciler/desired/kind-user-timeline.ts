/* The user_timeline kind, as the desired layer sees it: listed accounts' timelines, on a schedule. */

import { checkAccounts } from './account-checks.js';
import { present, type CommonFields, type TrackedUser, type UserCondition } from './collection-fields.js';
import type { DesiredKind } from './desired-kind.js';

export interface UserTimelineCollection extends CommonFields {
  readonly type: 'user_timeline';
  readonly users: Readonly<Record<string, TrackedUser>>;
  readonly delete_users_for: readonly UserCondition[];
  readonly schedule?: string;
  /** How often a harvest looks the accounts up ("1 day"); absent: daily. */
  readonly lookup_every?: string;
}

interface UserTimelineDocument {
  users?: Record<string, TrackedUser>;
  delete_users_for?: UserCondition[];
  schedule?: string;
  lookup_every?: string;
}

export const userTimelineKind: DesiredKind<UserTimelineCollection> = {
  type: 'user_timeline',
  template: `# When to harvest (UTC), as an EventBridge expression: rate(1 day), rate(6 hours),
# or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 6 * * ? *).
schedule: rate(1 day)
# Accounts by user id (quote the id), with the screen name as a reminder.
users: {}
#   "2244994945":
#     screen_name: XDevelopers
#     note: optional free text
# Stop harvesting accounts found protected, suspended or not found (omit to keep them all).
delete_users_for: [suspended, not_found]`,
  toCollection(doc, common) {
    const fields = doc as UserTimelineDocument;
    return {
      ...common,
      type: 'user_timeline',
      users: fields.users ?? {},
      delete_users_for: fields.delete_users_for ?? [],
      ...present(fields, 'schedule', 'lookup_every'),
    };
  },
  accounts: (doc) => (doc as UserTimelineDocument).users ?? {},
  check: (doc, check) => {
    checkAccounts(doc, (doc as UserTimelineDocument).users ?? {}, check);
  },
};
