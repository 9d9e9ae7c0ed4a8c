/* The quotes kind in the plan: its posts and where they come from, and a request per post per harvest. */

import type { QuotesCollection } from '../desired/kind-quotes.js';
import type { PlanKind } from './plan-kind.js';

export const quotesPlan: PlanKind<QuotesCollection> = {
  render: (collection) => ({
    posts: [...collection.posts],
    ...(collection.from_collection !== undefined ? { from_collection: { ...collection.from_collection } } : {}),
    max_posts: collection.max_posts,
    ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
  }),
  // X's rate-limit table: Quote Tweets lookup, 75 requests per 15 minutes per app.
  rateWindow: (body) => ({
    endpoint: 'tweets/:id/quote_tweets',
    perWindow: 75,
    requests: body.from_collection !== undefined ? (body.max_posts ?? 1) : Math.min(body.max_posts ?? 1, body.posts?.length ?? 0),
  }),
};
