/*
 * The endpoints that tell what collecting will cost, as X answers them: recent Post counts
 * (`GET /2/tweets/counts/recent`: `data` buckets of `start`, `end`, `tweet_count`, and
 * `meta.total_tweet_count`; hourly unless `granularity` says otherwise; the last 7 days unless
 * `start_time`/`end_time` narrow them) and the Project's usage (`GET /2/usage/tweets`:
 * `cap_reset_day`, and `project_cap`, `project_usage` as strings, as X's documented example has them).
 * The fake does not evaluate queries: a scenario says how many Posts a day a query matches.
 */

import { codePoints } from './text.js';
import { invalidParameter, type Reply } from './parameters.js';
import { QUERY_LENGTH, RECENT_WINDOW_MS, type FakeAccessLevel } from './rest-endpoints.js';

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

export function recentCounts(query: URLSearchParams, settings: { now: number; accessLevel: FakeAccessLevel; usage: UsageScenario }): Reply {
  const text = query.get('query');
  if (!text) return invalidParameter('query', '', 'The `query` query parameter can not be empty');
  const longest = QUERY_LENGTH[settings.accessLevel].recent;
  if (codePoints(text) > longest)
    return invalidParameter(
      'query',
      text,
      `There were errors processing your request: Query is too long (${codePoints(text)} characters, at most ${longest})`,
    );
  const granularity = query.get('granularity') ?? 'hour';
  const step = GRANULARITY[granularity];
  if (step === undefined)
    return invalidParameter(
      'granularity',
      granularity,
      `The \`granularity\` query parameter value [${granularity}] is not one of [minute,hour,day]`,
    );
  const from = Math.max(settings.now - RECENT_WINDOW_MS, time(query, 'start_time') ?? -Infinity);
  const to = Math.min(settings.now, time(query, 'end_time') ?? Infinity);
  const perMs = (settings.usage.postsPerDay?.(text) ?? 24) / DAY_MS;
  const buckets: Array<{ start: string; end: string; tweet_count: number }> = [];
  let total = 0;
  // Buckets on whole units of the granularity, the first and last cut to the span asked for.
  for (let start = from; start < to; start = Math.floor(start / step) * step + step) {
    const end = Math.min(to, Math.floor(start / step) * step + step);
    const count = Math.round((end - start) * perMs);
    total += count;
    buckets.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), tweet_count: count });
  }
  return { status: 200, body: { data: buckets, meta: { total_tweet_count: total } } };
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
