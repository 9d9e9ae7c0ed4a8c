/* The quotes kind, as the desired layer sees it: the quote posts of listed posts, or of another collection's. */

import { present, type CommonFields } from './collection-fields.js';
import type { DesiredKind } from './desired-kind.js';
import { checkSnowball } from './snowball-checks.js';

export interface QuotesCollection extends CommonFields {
  readonly type: 'quotes';
  readonly posts: readonly string[];
  readonly from_collection?: { readonly id: string; readonly min_quotes: number };
  readonly max_posts: number;
  readonly schedule?: string;
}

interface QuotesDocument {
  posts?: string[];
  from_collection?: { id: string; min_quotes?: number };
  max_posts?: number;
  schedule?: string;
}

export const quotesKind: DesiredKind<QuotesCollection> = {
  type: 'quotes',
  template: `# The quoted posts by id (quote the ids), and/or the posts another collection stored
# that X counted quotes of.
posts: []
# from_collection:
#   id: climate-search
#   min_quotes: 3
# The most posts one harvest reads the quotes of: the listed first, then the newest snowballed.
max_posts: 100
# When to harvest (UTC), as an EventBridge expression: rate(1 day), rate(6 hours),
# or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 6 * * ? *).
schedule: rate(1 day)`,
  toCollection(doc, common) {
    const fields = doc as QuotesDocument;
    const from = fields.from_collection;
    return {
      ...common,
      type: 'quotes',
      posts: fields.posts ?? [],
      ...(from !== undefined ? { from_collection: { id: from.id, min_quotes: from.min_quotes ?? 1 } } : {}),
      max_posts: fields.max_posts ?? 100,
      ...present(fields, 'schedule'),
    };
  },
  check: (doc, { report }) => {
    checkSnowball(doc, 'posts', report);
  },
};
