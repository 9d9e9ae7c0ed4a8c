/*
 * What collecting costs, asked of X: how many recent Posts a query matched (the counts endpoint),
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
