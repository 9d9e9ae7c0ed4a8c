/*
 * What collecting costs, asked of X: how many Posts a query matched (the recent and full-archive
 * counts endpoints),
 * and how much of the Project's monthly Post cap is used (the usage endpoint).
 */

import type { XApiClient } from './client.js';

/** Posts matching `query` in the last 7 days, by X's recent counts. */
export async function recentPostCount(client: XApiClient, query: string, signal?: AbortSignal): Promise<number> {
  const page = await client.get('tweets/counts/recent', { query, granularity: 'day' }, signal ? { signal } : {});
  const total = (page.body['meta'] as { total_tweet_count?: unknown } | undefined)?.total_tweet_count;
  if (typeof total !== 'number') throw new Error('X answered a count without meta.total_tweet_count');
  return total;
}

/** Days of full-archive counts X answers in one request (its `next_token` pages the rest). */
const ARCHIVE_COUNT_DAYS_PER_REQUEST = 31;

/** The requests (each charged) full-archive counts from `start` to `end` (now when absent) take. */
export function archiveCountRequests(span: { readonly start: string; readonly end?: string }, now: Date): number {
  const end = span.end !== undefined ? Date.parse(span.end) : now.getTime();
  return Math.max(1, Math.ceil((end - Date.parse(span.start)) / (ARCHIVE_COUNT_DAYS_PER_REQUEST * 86_400_000)));
}

/**
 * Posts matching `query` from `start` to `end` (now when absent), by X's full-archive counts, and
 * the requests that took: X pages them 31 days a request, each charged.
 */
export async function archivePostCount(
  client: XApiClient,
  query: string,
  span: { readonly start: string; readonly end?: string },
  signal?: AbortSignal,
): Promise<{ posts: number; requests: number }> {
  let posts = 0;
  let requests = 0;
  let token: string | undefined;
  do {
    const page = await client.get(
      'tweets/counts/all',
      {
        query,
        granularity: 'day',
        start_time: span.start,
        ...(span.end !== undefined ? { end_time: span.end } : {}),
        ...(token !== undefined ? { next_token: token } : {}),
      },
      signal ? { signal } : {},
    );
    requests += 1;
    const meta = (page.body['meta'] ?? {}) as { total_tweet_count?: unknown; next_token?: unknown };
    if (typeof meta.total_tweet_count !== 'number') throw new Error('X answered a count without meta.total_tweet_count');
    posts += meta.total_tweet_count;
    token = typeof meta.next_token === 'string' ? meta.next_token : undefined;
  } while (token !== undefined);
  return { posts, requests };
}

export interface ProjectUsage {
  /** Posts received this month, and the cap they count against. */
  readonly used: number;
  readonly cap: number;
  /** The day of the month the count starts again. */
  readonly resetDay: number;
}

/** This month's use of the Project's Post cap; X sends the numbers as strings. */
export async function projectUsage(client: XApiClient, signal?: AbortSignal): Promise<ProjectUsage> {
  const page = await client.get('usage/tweets', {}, signal ? { signal } : {});
  const data = (page.body['data'] ?? {}) as Record<string, unknown>;
  const used = Number(data['project_usage']);
  const cap = Number(data['project_cap']);
  const resetDay = Number(data['cap_reset_day']);
  if (![used, cap, resetDay].every(Number.isFinite))
    throw new Error('X answered usage without project_usage, project_cap and cap_reset_day');
  return { used, cap, resetDay };
}
