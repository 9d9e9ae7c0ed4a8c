/*
 * The X API v2 endpoints the harvester calls, named as the API's rate-limit documentation names
 * them; the names key the per-endpoint rate gates and the request counters in harvest.json.
 */

export const DEFAULT_API_BASE_URL = 'https://api.x.com/2/';

export type Endpoint =
  | 'users'
  | 'users/by'
  | 'users/:id/tweets'
  | 'users/:id/mentions'
  | 'tweets'
  | 'tweets/:id/quote_tweets'
  | 'lists/:id/tweets'
  | 'lists/:id/members'
  | 'tweets/search/recent'
  | 'tweets/search/all'
  | 'tweets/search/stream'
  | 'tweets/search/stream/rules'
  | 'tweets/counts/recent'
  | 'tweets/counts/all'
  | 'usage/tweets'
  | 'compliance/jobs'
  | 'compliance/jobs/:id';

/**
 * Limits besides the 15-minute windows: full-archive search takes one request a second (X's
 * rate-limit documentation). The slack covers requests that travel at different speeds.
 */
export const MIN_REQUEST_INTERVAL_MS: Partial<Readonly<Record<Endpoint, number>>> = { 'tweets/search/all': 1000 + 150 };

/** Where a request for `endpoint` goes, relative to the base URL; `pathId` fills its `:id` (a user's, a compliance job's). */
export function endpointPath(endpoint: Endpoint, pathId?: string): string {
  if (!endpoint.includes(':id')) return endpoint;
  if (pathId === undefined || !/^\d{1,20}$/.test(pathId)) throw new Error(`an id is needed for ${endpoint}, got ${String(pathId)}`);
  return endpoint.replace(':id', pathId);
}
