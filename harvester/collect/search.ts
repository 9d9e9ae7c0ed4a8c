import { TWEET_EVERYTHING } from '../../platform/x-api/fields.js';
import { configOfType, type HarvestContext } from '../harvest-context.js';
import { collectNewestFirst, type PagingEnd, type ResumePoint } from './newest-first.js';
import { planSearch, searchBounds } from './search-bounds.js';

/**
 * Tweets per page. Full-archive search allows 500, but only 100 when context annotations are
 * asked for, and every harvest asks for them (twarc2's default fields).
 */
const PAGE_SIZE = 100;

/**
 * A search harvest, recent or full-archive, from the newest tweet stored before (see
 * newest-first.ts for the resume rules, search-bounds.ts for what X's windows allow). `max_records`
 * ends one harvest; the next one continues below what was stored, so no tweet in range is skipped.
 */
export async function harvestSearch(context: HarvestContext): Promise<void> {
  const config = configOfType(context.config, 'search');
  const end = await searchPass(context, {
    query: config.query,
    archive: config.archive,
    startTime: config.start_time,
    endTime: config.end_time,
    resume: context.state.start.search ?? {},
    resumePoint: () => (context.state.draft.search ??= {}),
    enough: (written) => config.max_records !== undefined && written >= config.max_records,
  });
  if (end === 'enough')
    context.stop.stop(
      'max_records',
      `max_records (${String(config.max_records)}) reached; the next harvest continues below the oldest tweet stored`,
    );
}

export interface SearchPass {
  readonly query: string;
  readonly archive: boolean;
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
  /** Where the last harvest left this search. */
  readonly resume: Readonly<ResumePoint>;
  /** The resume point in the state draft, created if missing. */
  readonly resumePoint: () => ResumePoint;
  readonly enough?: (written: number) => boolean;
}

/** One search from where it was left to now, within X's windows; what is out of reach is recorded as a gap. */
export async function searchPass(context: HarvestContext, search: SearchPass): Promise<PagingEnd> {
  const plan = planSearch({
    recent: !search.archive,
    now: Date.now(),
    startTime: search.startTime,
    endTime: search.endTime,
    resume: search.resume,
  });
  if (plan.gap) {
    context.stats.gaps.push(plan.gap);
    context.log.warn('part of what the search asked for is out of X’s reach; recorded as a gap in harvest.json', { ...plan.gap });
  }
  const endpoint = search.archive ? 'tweets/search/all' : 'tweets/search/recent';
  // A next_token continues the request that began its pass, so every page of a pass keeps that
  // request's bounds, as X expects.
  let passBounds: Record<string, string> = {};
  return collectNewestFirst(context, plan.resume, {
    fetch: (range) => {
      if (range.token === undefined) passBounds = searchBounds(range, plan);
      const query: Record<string, string> = {
        ...TWEET_EVERYTHING,
        query: search.query,
        max_results: String(PAGE_SIZE),
        ...passBounds,
      };
      if (range.token !== undefined) query['next_token'] = range.token;
      return context.client.get(endpoint, query, { signal: context.stop.signal });
    },
    resumePoint: search.resumePoint,
    ...(search.enough !== undefined ? { enough: search.enough } : {}),
  });
}
