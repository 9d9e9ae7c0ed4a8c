/*
 * The X API v2 endpoints the harvester calls, named as the API's rate-limit documentation names
 * them; the names key the per-endpoint rate gates and the request counters in harvest.json.
 */

export const DEFAULT_API_BASE_URL = 'https://api.x.com/2/';

export type Endpoint =
  | 'users'
  | 'users/by'
  | 'users/:id/tweets'
  | 'tweets/search/recent'
  | 'tweets/search/all'
  | 'tweets/search/stream'
  | 'tweets/search/stream/rules'
  | 'tweets/counts/recent'
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

/**
 * The fields and expansions twarc2 (2.14) requests by default, so that researchers find in our
 * files everything they find in twarc2's.
 */
const TWEET_FIELDS = [
  'attachments',
  'author_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'public_metrics',
  'text',
  'possibly_sensitive',
  'referenced_tweets',
  'reply_settings',
  'source',
  'withheld',
  'edit_controls',
  'edit_history_tweet_ids',
];
const USER_FIELDS = [
  'created_at',
  'description',
  'entities',
  'id',
  'location',
  'name',
  'pinned_tweet_id',
  'profile_image_url',
  'protected',
  'public_metrics',
  'url',
  'username',
  'verified',
  'verified_type',
  'withheld',
];
const EXPANSIONS = [
  'author_id',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_tweets.id.author_id',
  'entities.mentions.username',
  'attachments.poll_ids',
  'attachments.media_keys',
  'geo.place_id',
  'edit_history_tweet_ids',
];
const MEDIA_FIELDS = [
  'alt_text',
  'duration_ms',
  'height',
  'media_key',
  'preview_image_url',
  'type',
  'url',
  'width',
  'variants',
  'public_metrics',
];
const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'];
const PLACE_FIELDS = ['contained_within', 'country', 'country_code', 'full_name', 'geo', 'id', 'name', 'place_type'];

/** For endpoints that return tweets: timelines, searches, the stream. */
export const TWEET_EVERYTHING: Readonly<Record<string, string>> = {
  expansions: EXPANSIONS.join(','),
  'tweet.fields': TWEET_FIELDS.join(','),
  'user.fields': USER_FIELDS.join(','),
  'media.fields': MEDIA_FIELDS.join(','),
  'poll.fields': POLL_FIELDS.join(','),
  'place.fields': PLACE_FIELDS.join(','),
};

/** For user lookups, where only the pinned tweet expands. */
export const USER_EVERYTHING: Readonly<Record<string, string>> = {
  expansions: 'pinned_tweet_id',
  'tweet.fields': TWEET_FIELDS.join(','),
  'user.fields': USER_FIELDS.join(','),
};
