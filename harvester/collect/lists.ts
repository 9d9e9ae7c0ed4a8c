import { TWEET_EVERYTHING, USER_EVERYTHING } from '../../platform/x-api/fields.js';
import { pageLine, twarcMetadata } from '../output/twarc-line.js';
import { configOfType, type HarvestContext } from '../harvest-context.js';
import { collectNewestDownTo } from './newest-down-to.js';

/**
 * A list harvest: each list's members as it stands now (users.jsonl, with `members`), then its
 * posts (/2/lists/:id/tweets, newest first, no since_id) down to the newest stored before (a resume
 * point per list in state.json).
 */
export async function harvestLists(context: HarvestContext): Promise<void> {
  const config = configOfType(context.config, 'list');
  const memberPages: string[] = [];
  for (const listId of config.lists) {
    if (context.stop.stopping) return;
    if (config.members) await readMembers(context, listId, memberPages);
    await collectNewestDownTo(context, context.state.start.searches?.[listId] ?? {}, {
      fetch: (token) =>
        context.client.get(
          'lists/:id/tweets',
          { ...TWEET_EVERYTHING, max_results: '100', ...(token !== undefined ? { pagination_token: token } : {}) },
          { pathId: listId, signal: context.stop.signal },
        ),
      resumePoint: () => (context.state.searches()[listId] ??= {}),
    });
  }
}

/** A list's members, every page as X sent it, kept in the harvest's users.jsonl. */
async function readMembers(context: HarvestContext, listId: string, pages: string[]): Promise<void> {
  let token: string | undefined;
  do {
    const page = await context.client.get(
      'lists/:id/members',
      { ...USER_EVERYTHING, max_results: '100', ...(token !== undefined ? { pagination_token: token } : {}) },
      { pathId: listId, signal: context.stop.signal },
    );
    pages.push(pageLine(page.body, twarcMetadata(page.url, new Date())));
    await context.store.put(context.keys.users, `${pages.join('\n')}\n`, { contentType: 'application/x-ndjson' });
    token = (page.body['meta'] as { next_token?: string } | undefined)?.next_token;
  } while (token !== undefined && !context.stop.stopping);
}
