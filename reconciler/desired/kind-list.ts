/* The list kind, as the desired layer sees it: the posts of X lists, and their members with each harvest. */

import { present, type CommonFields } from './collection-fields.js';
import type { DesiredKind } from './desired-kind.js';

export interface ListCollection extends CommonFields {
  readonly type: 'list';
  readonly lists: readonly string[];
  readonly members: boolean;
  readonly schedule?: string;
}

interface ListDocument {
  lists?: string[];
  members?: boolean;
  schedule?: string;
}

export const listKind: DesiredKind<ListCollection> = {
  type: 'list',
  template: `# The lists by id: the digits in a list's address, x.com/i/lists/<id> (quote the ids).
lists: []
# Record each list's members with every harvest (a user read each).
members: true
# When to harvest (UTC), as an EventBridge expression: rate(1 day), rate(6 hours),
# or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 6 * * ? *).
schedule: rate(1 day)`,
  toCollection(doc, common) {
    const fields = doc as ListDocument;
    return { ...common, type: 'list', lists: fields.lists ?? [], members: fields.members ?? true, ...present(fields, 'schedule') };
  },
  check(doc, { report }) {
    if (((doc as ListDocument).lists ?? []).length === 0 && doc.state !== 'suspended')
      report('/lists', 'list/none', 'an active list collection needs at least one list; add list ids or set state: suspended');
  },
};
