import { TWEET_EVERYTHING } from '../../platform/x-api/endpoints.js';
import type { HarvestContext } from '../harvest-context.js';
import { collectNewestFirst } from './newest-first.js';

/**
 * A search harvest, recent or full-archive, from the newest tweet stored before (see
 * newest-first.ts for the resume rules). `max_records` ends one harvest; the next one continues
 * below what was stored, so no tweet in range is skipped.
 */
export async function harvestSearch(context: HarvestContext): Promise<void> {
  const { config, state } = context;
  const endpoint = config.archive === true ? 'tweets/search/all' : 'tweets/search/recent';
  const pageSize = config.archive === true ? 500 : 100;
  const end = await collectNewestFirst(context, state.start.search ?? {}, {
    fetch: (range) => {
      const query: Record<string, string> = { ...TWEET_EVERYTHING, query: config.query ?? '', max_results: String(pageSize) };
      if (range.sinceId !== undefined) query['since_id'] = range.sinceId;
      else if (config.start_time !== undefined) query['start_time'] = config.start_time;
      if (config.end_time !== undefined) query['end_time'] = config.end_time;
      if (range.token !== undefined) query['next_token'] = range.token;
      if (range.untilId !== undefined) query['until_id'] = range.untilId;
      return context.client.get(endpoint, query, { signal: context.stop.signal });
    },
    resumePoint: () => (state.draft.search ??= {}),
    enough: (written) => config.max_records !== undefined && written >= config.max_records,
  });
  if (end === 'enough')
    context.stop.stop(
      'max_records',
      `max_records (${String(config.max_records)}) reached; the next harvest continues below the oldest tweet stored`,
    );
}
