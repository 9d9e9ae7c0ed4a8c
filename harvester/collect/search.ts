import { TWEET_EVERYTHING } from '../../platform/x-api/endpoints.js';
import { writePage, type HarvestContext } from '../harvest-context.js';

/**
 * A search harvest, recent or full-archive, newest first. As for timelines, the oldest stored
 * tweet (until_id) and the newest of this search (pending_since_id) are checkpointed with the
 * data; since_id takes the newest id only after the paging finished. `max_records` ends one
 * harvest; the next one continues below what was stored, so no tweet in range is skipped.
 */
export async function harvestSearch(context: HarvestContext): Promise<void> {
  const { config, state } = context;
  const start = state.start.search ?? {};
  const endpoint = config.archive === true ? 'tweets/search/all' : 'tweets/search/recent';
  const pageSize = config.archive === true ? 500 : 100;
  let pending = start.pending_since_id;
  let token: string | undefined;
  let written = 0;
  for (;;) {
    if (context.stop.stopping) return;
    const query: Record<string, string> = { ...TWEET_EVERYTHING, query: config.query ?? '', max_results: String(pageSize) };
    if (start.since_id !== undefined) query['since_id'] = start.since_id;
    else if (config.start_time !== undefined) query['start_time'] = config.start_time;
    if (config.end_time !== undefined) query['end_time'] = config.end_time;
    if (token !== undefined) query['next_token'] = token;
    else if (start.until_id !== undefined) query['until_id'] = start.until_id;
    const page = await context.client.get(endpoint, query, { signal: context.stop.signal });
    const data = page.body['data'] as unknown[] | undefined;
    const meta = (page.body['meta'] ?? {}) as { newest_id?: string; oldest_id?: string; next_token?: string };
    if (!data || data.length === 0) break;
    pending ??= meta.newest_id;
    const newest = pending;
    const oldest = meta.oldest_id;
    await writePage(context, page, data.length, () => {
      const search = (state.draft.search ??= {});
      if (newest !== undefined) search.pending_since_id = newest;
      if (oldest !== undefined) search.until_id = oldest;
    });
    written += data.length;
    token = meta.next_token;
    if (token === undefined) break;
    if (config.max_records !== undefined && written >= config.max_records) {
      context.stop.stop('max_records', `max_records (${config.max_records}) reached; the next harvest continues below tweet ${oldest ?? '?'}`);
      return;
    }
  }
  const newest = pending;
  context.files.checkpoint(() => {
    const search = (state.draft.search ??= {});
    if (newest !== undefined) search.since_id = newest;
    delete search.pending_since_id;
    delete search.until_id;
  });
}
