/*
 * The endpoints that tell what collecting will cost, as X answers them: Post counts
 * (`GET /2/tweets/counts/recent` and `/counts/all`: `data` buckets of `start`, `end`,
 * `tweet_count`, and `meta.total_tweet_count`; hourly unless `granularity` says otherwise; recent
 * the last 7 days unless `start_time`/`end_time` narrow them, all 30 days by default and back to
 * 2006, 31 days a page with `meta.next_token`) and the Project's usage (`GET /2/usage/tweets`:
 * `cap_reset_day`, and `project_cap`, `project_usage` as strings, as X's documented example has them).
 * The fake does not evaluate queries: a scenario says how many Posts a day a query matches.
 */

import { invalidParameter, type Reply } from './parameters.js';
import { RECENT_WINDOW_MS, searchQuery, type FakeAccessLevel } from './rest-endpoints.js';

export interface UsageScenario {
  /** Posts a day that `query` matches; by default the same small number for every query. */
  readonly postsPerDay?: (query: string) => number;
  /** What `GET /2/usage/tweets` reports this month. */
  readonly projectUsage?: number;
  readonly projectCap?: number;
  readonly capResetDay?: number;
}

const DAY_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;
const GRANULARITY: Readonly<Record<string, number>> = { minute: 60_000, hour: HOUR_MS, day: DAY_MS };

/** How far back full-archive counts reach without a start_time, and how many days one page holds (X's counts/all reference). */
const ALL_DEFAULT_SPAN_MS = 30 * DAY_MS;
const ALL_PAGE_SPAN_MS = 31 * DAY_MS;
/** The first post: full-archive counts start no earlier. */
const EARLIEST = Date.parse('2006-03-21T00:00:00Z');

/**
 * Post counts, recent (the last 7 days, one page) or full-archive (from `start_time`, else 30 days
 * before `end_time`, back to 2006; 31 days a page, the next page named by `next_token`).
 */
export function postCounts(
  query: URLSearchParams,
  settings: { now: number; archive: boolean; accessLevel: FakeAccessLevel; usage: UsageScenario },
): Reply {
  const text = searchQuery(query, settings);
  if (typeof text !== 'string') return text;
  const granularity = query.get('granularity') ?? 'hour';
  const step = GRANULARITY[granularity];
  if (step === undefined)
    return invalidParameter(
      'granularity',
      granularity,
      `The \`granularity\` query parameter value [${granularity}] is not one of [minute,hour,day]`,
    );
  const to = Math.min(settings.now, time(query, 'end_time') ?? Infinity);
  const earliest = settings.archive ? EARLIEST : settings.now - RECENT_WINDOW_MS;
  const asked = time(query, 'start_time') ?? (settings.archive ? to - ALL_DEFAULT_SPAN_MS : -Infinity);
  const token = query.get('next_token') ?? query.get('pagination_token');
  const from = token !== null ? Number(token) : Math.max(earliest, asked);
  if (!Number.isFinite(from))
    return invalidParameter('next_token', token ?? '', `The \`next_token\` query parameter value [${token ?? ''}] is not valid`);
  const pageEnd = settings.archive ? Math.min(to, from + ALL_PAGE_SPAN_MS) : to;
  const perMs = (settings.usage.postsPerDay?.(text) ?? 24) / DAY_MS;
  const buckets: Array<{ start: string; end: string; tweet_count: number }> = [];
  let total = 0;
  // Buckets on whole units of the granularity, the first and last cut to the span asked for.
  for (let start = from; start < pageEnd; start = Math.floor(start / step) * step + step) {
    const end = Math.min(pageEnd, Math.floor(start / step) * step + step);
    const count = Math.round((end - start) * perMs);
    total += count;
    buckets.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), tweet_count: count });
  }
  const meta: Record<string, unknown> = { total_tweet_count: total };
  if (pageEnd < to) meta['next_token'] = String(pageEnd);
  return { status: 200, body: { data: buckets, meta } };
}

export function projectUsage(usage: UsageScenario): Reply {
  return {
    status: 200,
    body: {
      data: {
        cap_reset_day: usage.capResetDay ?? 1,
        project_cap: String(usage.projectCap ?? 1_000_000),
        project_id: '1369785403853424',
        project_usage: String(usage.projectUsage ?? 0),
      },
    },
  };
}

function time(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  return raw === null ? undefined : Date.parse(raw);
}
