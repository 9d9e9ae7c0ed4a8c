import { configOfType, type HarvestContext } from '../harvest-context.js';
import { searchPass } from './search.js';
import { storedPostIds } from './stored-posts.js';

type Config = Extract<HarvestContext['config'], { type: 'conversation' }>;

/**
 * A conversation harvest: each thread by `conversation_id:` search, from its own newest post stored
 * (state.json keeps a resume point per conversation); the listed threads first, then those
 * snowballed from another collection's stored posts, newest first, at most max_conversations.
 */
export async function harvestConversations(context: HarvestContext): Promise<void> {
  const config = configOfType(context.config, 'conversation');
  const ids = [...new Set([...config.conversations, ...(await snowballed(context, config))])].slice(0, config.max_conversations);
  context.log.info('conversations to search', { listed: config.conversations.length, searched: ids.length });
  for (const id of ids) {
    if (context.stop.stopping) return;
    await searchPass(context, {
      query: `conversation_id:${id}`,
      archive: config.archive,
      resume: context.state.start.searches?.[id] ?? {},
      resumePoint: () => (context.state.searches()[id] ??= {}),
    });
  }
}

/** The threads the source collection's stored posts started (with enough replies), newest first. */
async function snowballed(context: HarvestContext, config: Config): Promise<string[]> {
  const from = config.from_collection;
  if (from === undefined) return [];
  return storedPostIds(
    context,
    from.id,
    (post) => post.conversation_id === post.id && (post.public_metrics?.reply_count ?? 0) >= (from.min_replies ?? 0),
  );
}
