import { TWEET_EVERYTHING } from '../../platform/x-api/fields.js';
import { configOfType, type HarvestContext } from '../harvest-context.js';
import { collectNewestDownTo } from './newest-down-to.js';
import { storedPostIds } from './stored-posts.js';

/**
 * A quotes harvest: each post's quotes (/2/tweets/:id/quote_tweets, newest first, no since_id)
 * down to the newest quote stored before (state.json keeps a resume point per post); the listed
 * posts first, then those snowballed from another collection's stored posts, at most max_posts.
 */
export async function harvestQuotes(context: HarvestContext): Promise<void> {
  const config = configOfType(context.config, 'quotes');
  const from = config.from_collection;
  const snowballed =
    from === undefined
      ? []
      : await storedPostIds(context, from.id, (post) => (post.public_metrics?.quote_count ?? 0) >= (from.min_quotes ?? 1));
  const ids = [...new Set([...config.posts, ...snowballed])].slice(0, config.max_posts);
  context.log.info('posts whose quotes are read', { listed: config.posts.length, read: ids.length });
  for (const id of ids) {
    if (context.stop.stopping) return;
    await collectNewestDownTo(context, context.state.start.searches?.[id] ?? {}, {
      fetch: (token) =>
        context.client.get(
          'tweets/:id/quote_tweets',
          { ...TWEET_EVERYTHING, max_results: '100', ...(token !== undefined ? { pagination_token: token } : {}) },
          { pathId: id, signal: context.stop.signal },
        ),
      resumePoint: () => (context.state.searches()[id] ??= {}),
    });
  }
}
