/*
 * The query parameters each endpoint accepts and the checks X makes before it looks at the data:
 * unknown parameters, field and expansion names, id and time formats, and ids mixed with times.
 * Answered as X answers: 400, every problem found listed in `errors`, each with the parameters
 * it concerns and X's message (captured messages where known; see the notes on the others).
 */

import { MEDIA_FIELDS, PLACE_FIELDS, POLL_FIELDS, TWEET_EXPANSIONS, TWEET_FIELDS, USER_EXPANSIONS, USER_FIELDS } from './fields.js';

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

export interface ParameterProblem {
  readonly parameters: Record<string, string[]>;
  readonly message: string;
}

const TWEET_PROJECTION = ['expansions', 'tweet.fields', 'user.fields', 'media.fields', 'place.fields', 'poll.fields'];
const USER_PROJECTION = ['expansions', 'tweet.fields', 'user.fields'];
const SEARCH = [
  'query',
  'start_time',
  'end_time',
  'since_id',
  'until_id',
  'max_results',
  'next_token',
  'pagination_token',
  'sort_order',
  ...TWEET_PROJECTION,
];

/** Accepted query parameters by endpoint and method. */
const ACCEPTED: Readonly<Record<string, readonly string[]>> = {
  'GET users': ['ids', ...USER_PROJECTION],
  // X's OpenAPI description, findTweetsById: ids (1 to 100) and the projections.
  'GET tweets': ['ids', ...TWEET_PROJECTION],
  'GET users/by': ['usernames', ...USER_PROJECTION],
  'GET users/:id/tweets': [
    'since_id',
    'until_id',
    'max_results',
    'pagination_token',
    'exclude',
    'start_time',
    'end_time',
    ...TWEET_PROJECTION,
  ],
  // X's OpenAPI description, usersIdMentions: the timeline's parameters but `exclude`.
  'GET users/:id/mentions': ['since_id', 'until_id', 'max_results', 'pagination_token', 'start_time', 'end_time', ...TWEET_PROJECTION],
  // X's OpenAPI description, findTweetsThatQuoteATweet: no since_id; max_results from 10 to 100.
  'GET tweets/:id/quote_tweets': ['max_results', 'pagination_token', 'exclude', ...TWEET_PROJECTION],
  // X's OpenAPI description, listsIdTweets and listGetMembers.
  'GET lists/:id/tweets': ['max_results', 'pagination_token', ...TWEET_PROJECTION],
  'GET lists/:id/members': ['max_results', 'pagination_token', ...USER_PROJECTION],
  'GET tweets/search/recent': SEARCH,
  'GET tweets/search/all': SEARCH,
  'GET tweets/search/stream': ['backfill_minutes', 'partition', 'start_time', 'end_time', ...TWEET_PROJECTION],
  'GET tweets/search/stream/rules': ['ids', 'max_results', 'pagination_token'],
  'GET tweets/counts/recent': ['query', 'start_time', 'end_time', 'since_id', 'until_id', 'granularity', 'next_token', 'pagination_token'],
  'GET tweets/counts/all': ['query', 'start_time', 'end_time', 'since_id', 'until_id', 'granularity', 'next_token', 'pagination_token'],
  'GET usage/tweets': ['days', 'usage.fields'],
  'POST tweets/search/stream/rules': ['dry_run', 'delete_all'],
  'GET compliance/jobs': ['type', 'status', 'compliance_job.fields'],
  'GET compliance/jobs/:id': ['compliance_job.fields'],
};

const USER_ENDPOINTS = new Set(['users', 'users/by', 'lists/:id/members']);

const ID_PATTERN = /^[0-9]{1,19}$/;
/** RFC 3339 as X takes it: seconds required, fraction optional, UTC or an offset. */
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The problems X finds in a request's parameters, before it looks at any data; empty when there are none. */
export function parameterProblems(method: string, endpoint: string, query: URLSearchParams): ParameterProblem[] {
  const accepted = ACCEPTED[`${method} ${endpoint}`] ?? [];
  const problems: ParameterProblem[] = [];
  for (const [name, value] of query) {
    if (!accepted.includes(name))
      problems.push({ parameters: { [name]: [value] }, message: `The query parameter [${name}] is not one of [${accepted.join(',')}]` });
  }
  const users = USER_ENDPOINTS.has(endpoint);
  const lists: Array<[string, readonly string[]]> = [
    ['expansions', users ? USER_EXPANSIONS : TWEET_EXPANSIONS],
    ['tweet.fields', TWEET_FIELDS],
    ['user.fields', USER_FIELDS],
    ['media.fields', MEDIA_FIELDS],
    ['place.fields', PLACE_FIELDS],
    ['poll.fields', POLL_FIELDS],
  ];
  for (const [name, allowed] of lists) {
    const raw = query.get(name);
    if (raw === null || !accepted.includes(name)) continue;
    for (const value of raw.split(',')) {
      if (!allowed.includes(value))
        problems.push({
          parameters: { [name]: [value] },
          message: `The \`${name}\` query parameter value [${value}] is not one of [${allowed.join(',')}]`,
        });
    }
  }
  for (const name of ['since_id', 'until_id']) {
    const raw = query.get(name);
    if (raw !== null && !ID_PATTERN.test(raw))
      problems.push({
        parameters: { [name]: [raw] },
        message: `The \`${name}\` query parameter value [${raw}] does not match ${ID_PATTERN.source}`,
      });
  }
  for (const name of ['start_time', 'end_time']) {
    const raw = query.get(name);
    // The wording of this message is not captured from X; the status and shape are.
    if (raw !== null && (!TIME_PATTERN.test(raw) || Number.isNaN(Date.parse(raw))))
      problems.push({
        parameters: { [name]: [raw] },
        message: `The \`${name}\` query parameter value [${raw}] is not a valid RFC 3339 time`,
      });
  }
  const ids = ['since_id', 'until_id'].filter((n) => query.has(n));
  const times = ['start_time', 'end_time'].filter((n) => query.has(n));
  if (endpoint.startsWith('tweets/search/') && ids.length > 0 && times.length > 0) {
    // Captured from X's recent search: ids and times exclude each other.
    problems.push({
      parameters: Object.fromEntries([...ids, ...times].map((n) => [n, [query.get(n) ?? '']])),
      message: "Invalid use of 'since_id' or 'until_id' in conjunction with 'start_time' or 'end_time'.",
    });
  }
  const sort = query.get('sort_order');
  if (sort !== null && sort !== 'recency' && sort !== 'relevancy')
    problems.push({
      parameters: { sort_order: [sort] },
      message: `The \`sort_order\` query parameter value [${sort}] is not one of [recency,relevancy]`,
    });
  return problems;
}

export function invalidRequest(problems: readonly ParameterProblem[]): Reply {
  return {
    status: 400,
    body: {
      errors: problems,
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    },
  };
}

/** One problem with one parameter, as an answer. */
export function invalidParameter(parameter: string, value: string, message: string): Reply {
  return invalidRequest([{ parameters: { [parameter]: [value] }, message }]);
}
