/* The mentions kind, as the desired layer sees it: the mention timelines of listed accounts, on a schedule. */

import { checkAccounts } from './account-checks.js';
import { present, type CommonFields, type TrackedUser } from './collection-fields.js';
import type { DesiredKind } from './desired-kind.js';

export interface MentionsCollection extends CommonFields {
  readonly type: 'mentions';
  readonly users: Readonly<Record<string, TrackedUser>>;
  readonly schedule?: string;
}

interface MentionsDocument {
  users?: Record<string, TrackedUser>;
  schedule?: string;
}

const accounts = (doc: object): Readonly<Record<string, TrackedUser>> => (doc as MentionsDocument).users ?? {};

export const mentionsKind: DesiredKind<MentionsCollection> = {
  type: 'mentions',
  template: `# When to harvest (UTC), as an EventBridge expression: rate(1 day), rate(6 hours),
# or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 6 * * ? *).
# X's mention timeline reaches an account's 800 newest mentions: harvest often enough for that.
schedule: rate(1 day)
# Accounts by user id (quote the id), with the screen name as a reminder;
# twarc-cloud users add <id> <name> ... looks them up and adds them.
users: {}
#   "2244994945":
#     screen_name: XDevelopers
#     note: optional free text`,
  toCollection: (doc, common) => ({ ...common, type: 'mentions', users: accounts(doc), ...present(doc as MentionsDocument, 'schedule') }),
  accounts,
  check: (doc, check) => {
    checkAccounts(doc, accounts(doc), check);
  },
};
