/*
 * The REST endpoints the harvester uses, answering as X API v2 does on the wire: pages of
 * `data`/`includes`/`meta` with only the fields and expansions asked for, partial errors with
 * status 200, `{"meta":{"result_count":0}}` for an empty page, invalid parameters with 400 and
 * the problem shape. Searches keep X's windows: recent search sees the last 7 days and refuses a
 * `start_time` or `since_id` before them; nothing is served from after the scenario's now.
 * Every query matches the corpus's searchable tweets (the fake evaluates no operator but
 * `conversation_id:`, which finds a thread's posts).
 */

import { tweetTime, type Corpus, type FakeTweet, type FakeUser } from './corpus.js';
import { userObject } from './objects.js';
import { codePoints } from './text.js';
import { Projection } from './fields.js';
import { invalidParameter, invalidRequest, type Reply } from './parameters.js';

export type { Reply } from './parameters.js';

/** Query length limits of the searches by access level (X's "Search Posts" documentation). */
export const QUERY_LENGTH = {
  pay_per_use: { recent: 512, all: 1024 },
  basic: { recent: 512, all: 1024 },
  pro: { recent: 512, all: 1024 },
  enterprise: { recent: 4096, all: 4096 },
} as const;
export type FakeAccessLevel = keyof typeof QUERY_LENGTH;

/** How far back recent search reaches. */
export const RECENT_WINDOW_MS = 7 * 24 * 3_600_000;

export interface SearchSettings {
  readonly archive: boolean;
  readonly accessLevel: FakeAccessLevel;
  readonly now: number;
  readonly emptyPages: boolean;
}

/** Timelines reach back this far and no further, whatever the paging. */
export const TIMELINE_CAP = 3200;

export function lookupUsers(corpus: Corpus, query: URLSearchParams, by: 'ids' | 'usernames'): Reply {
  const raw = query.get(by);
  if (raw === null || raw === '') return invalidParameter(by, '', `The \`${by}\` query parameter can not be empty`);
  const values = raw.split(',');
  if (values.length > 100)
    return invalidParameter(
      by,
      raw,
      `The number of values in the \`${by}\` query parameter list [${values.length}] is not between 1 and 100`,
    );
  const projection = new Projection(query);
  const data: unknown[] = [];
  const errors: unknown[] = [];
  for (const value of values) {
    const user = by === 'ids' ? corpus.user(value) : corpus.userByName(value);
    if (!user || user.condition === 'not_found') errors.push(userProblem(by, value, 'not_found'));
    else if (user.condition === 'suspended') errors.push(userProblem(by, value, 'suspended'));
    else data.push(projection.of('user', userObject(user)));
  }
  const body: Record<string, unknown> = {};
  if (data.length > 0) body['data'] = data;
  if (errors.length > 0) body['errors'] = errors;
  return { status: 200, body };
}

/**
 * Posts by id, as X's tweet lookup answers: the posts it serves in `data`, the rest in `errors`
 * with status 200. Captured shapes: a post deleted or never there is a "Not Found Error"
 * (HunterLarco/twitter-v2#33); one whose author is suspended or protected an "Authorization Error"
 * that does not say which (HunterLarco/twitter-v2#26).
 */
export function lookupTweets(corpus: Corpus, query: URLSearchParams): Reply {
  const raw = query.get('ids');
  if (raw === null || raw === '') return invalidParameter('ids', '', 'The `ids` query parameter can not be empty');
  const ids = raw.split(',');
  if (ids.length > 100)
    return invalidParameter(
      'ids',
      raw,
      `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and 100`,
    );
  const projection = new Projection(query);
  const found: FakeTweet[] = [];
  const errors: unknown[] = [];
  for (const id of ids) {
    const tweet = corpus.deleted.has(id) ? undefined : corpus.tweet(id);
    const author = tweet ? corpus.user(tweet.authorId) : undefined;
    if (!tweet)
      errors.push({
        value: id,
        detail: `Could not find tweet with ids: [${id}].`,
        title: 'Not Found Error',
        resource_type: 'tweet',
        parameter: 'ids',
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      });
    else if (author?.condition === 'suspended' || author?.condition === 'protected')
      errors.push({
        value: id,
        parameter: 'ids',
        resource_type: 'tweet',
        section: 'data',
        title: 'Authorization Error',
        detail: `Sorry, you are not authorized to see the Tweet with ids: [${id}].`,
        type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
      });
    else found.push(tweet);
  }
  const body: Record<string, unknown> = {};
  if (found.length > 0) {
    body['data'] = found.map((t) => projection.of('tweet', t.json));
    const includes = corpus.includesFor(found, projection);
    if (Object.keys(includes).length > 0) body['includes'] = includes;
  }
  if (errors.length > 0) body['errors'] = errors;
  return { status: 200, body };
}

/** A list's posts (its members'), newest first, paged by pagination_token; max_results from 1 to 100, 100 by default. */
export function listTweets(corpus: Corpus, listId: string, query: URLSearchParams): Reply {
  const size = maxResults(query, 1, 100, 100);
  if (typeof size !== 'number') return size;
  if (!corpus.lists.has(listId)) return { status: 200, body: { errors: [listNotFound(listId)] } };
  return page(corpus, corpus.listTweets(listId), query, size, 'pagination_token');
}

/** A list's members, 100 a page at most, with the user fields asked for. */
export function listMembers(corpus: Corpus, listId: string, query: URLSearchParams): Reply {
  const size = maxResults(query, 1, 100, 100);
  if (typeof size !== 'number') return size;
  const members = corpus.lists.get(listId);
  if (!members) return { status: 200, body: { errors: [listNotFound(listId)] } };
  const token = query.get('pagination_token');
  const from = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString().replace(/^m:/, ''));
  if (!Number.isInteger(from) || from < 0)
    return invalidParameter(
      'pagination_token',
      token ?? '',
      `The \`pagination_token\` query parameter value [${token ?? ''}] is not valid`,
    );
  const projection = new Projection(query);
  const users = members.slice(from, from + size).flatMap((id) => {
    const user = corpus.user(id);
    return user ? [projection.of('user', userObject(user))] : [];
  });
  const next = from + size < members.length ? Buffer.from(`m:${from + size}`).toString('base64url') : undefined;
  return { status: 200, body: { data: users, meta: { result_count: users.length, ...(next !== undefined ? { next_token: next } : {}) } } };
}

/** The wording follows X's other Not Found errors; a missing list's exact text is not captured. */
function listNotFound(listId: string): Record<string, string> {
  return {
    value: listId,
    detail: `Could not find list with id: [${listId}].`,
    title: 'Not Found Error',
    resource_type: 'list',
    parameter: 'id',
    resource_id: listId,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}

/** The posts that quote a post, newest first, paged by pagination_token as X's quote lookup pages them. */
export function quoteTweets(corpus: Corpus, id: string, query: URLSearchParams): Reply {
  const size = maxResults(query, 10, 100, 10);
  if (typeof size !== 'number') return size;
  return page(corpus, corpus.quotesOf(id), query, size, 'pagination_token');
}

export function userTimeline(corpus: Corpus, userId: string, query: URLSearchParams): Reply {
  const size = maxResults(query, 5, 100, 10);
  if (typeof size !== 'number') return size;
  const user = corpus.user(userId);
  const blocked = timelineBlocked(user, userId);
  if (blocked) return { status: 200, body: { errors: [blocked] } };
  const capped = corpus.timeline(userId).slice(0, TIMELINE_CAP);
  return page(corpus, capped, query, size, 'pagination_token');
}

/** How many of an account's newest mentions its mention timeline reaches (X's timelines introduction). */
export const MENTIONS_CAP = 800;

export function userMentions(corpus: Corpus, userId: string, query: URLSearchParams): Reply {
  const size = maxResults(query, 5, 100, 10);
  if (typeof size !== 'number') return size;
  const blocked = timelineBlocked(corpus.user(userId), userId);
  if (blocked) return { status: 200, body: { errors: [blocked] } };
  return page(corpus, corpus.mentionsOf(userId).slice(0, MENTIONS_CAP), query, size, 'pagination_token');
}

/**
 * The `query` of a search or a count, or X's refusal of it: empty, or longer than the access level
 * allows for the recent or the full-archive endpoint.
 */
export function searchQuery(
  query: URLSearchParams,
  settings: { readonly accessLevel: FakeAccessLevel; readonly archive: boolean },
): string | Reply {
  const text = query.get('query');
  if (!text) return invalidParameter('query', '', 'The `query` query parameter can not be empty');
  const longest = QUERY_LENGTH[settings.accessLevel][settings.archive ? 'all' : 'recent'];
  // The wording is not captured from X; the limit, the status and the shape are documented.
  if (codePoints(text) > longest)
    return invalidParameter(
      'query',
      text,
      `There were errors processing your request: Query is too long (${codePoints(text)} characters, at most ${longest})`,
    );
  return text;
}

export function search(corpus: Corpus, query: URLSearchParams, settings: SearchSettings): Reply {
  const text = searchQuery(query, settings);
  if (typeof text !== 'string') return text;
  const annotations = (query.get('tweet.fields') ?? '').split(',').includes('context_annotations');
  const raw = query.get('max_results');
  if (settings.archive && annotations && raw !== null && Number(raw) > 100) {
    // Captured from X (DocNow/twarc#504): full-archive pages with context annotations hold at most 100.
    return invalidRequest([
      {
        parameters: { 'tweet.fields': ['context_annotations'], max_results: [raw] },
        message: 'when requesting `tweet.fields=context_annotations` `max_results` must be less than or equal to `100`',
      },
    ]);
  }
  const size = maxResults(query, 10, settings.archive ? 500 : 100, 10);
  if (typeof size !== 'number') return size;
  const oldest = settings.archive ? 0 : settings.now - RECENT_WINDOW_MS;
  if (!settings.archive) {
    const refused = outsideRecentWindow(query, oldest);
    if (refused) return refused;
  }
  const from = Math.max(oldest, timeParam(query, 'start_time') ?? 0);
  const to = Math.min(settings.now, timeParam(query, 'end_time') ?? Infinity);
  const conversations = conversationIdsOf(text);
  const rules = streamRulesOf(corpus, text);
  const pool = conversations
    ? corpus.inConversations(conversations)
    : rules
      ? corpus.streamMatched
          .filter((m) => m.rules.some((rule) => rules.includes(rule)))
          .map((m) => m.tweet)
          .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
      : [...corpus.searchable].reverse();
  const newestFirst = pool.filter((t) => t.createdAt >= from && t.createdAt < to);
  return page(corpus, newestFirst, query, size, 'next_token', settings.emptyPages);
}

/**
 * The one operator the fake evaluates: a query of `conversation_id:` terms OR-ed (each may stand in
 * parentheses) finds the posts of those threads; any other query matches the searchable corpus.
 */
function conversationIdsOf(query: string): string[] | undefined {
  const terms = query.split(' OR ').map((term) => /^\(?conversation_id:(\d{1,19})\)?$/.exec(term.trim())?.[1]);
  return terms.every((id): id is string => id !== undefined) ? terms : undefined;
}

/**
 * A query made of rules the stream matched posts by, OR-ed (each in parentheses, or one alone):
 * search finds what the stream matched with them, as X's search and stream share their operators.
 */
function streamRulesOf(corpus: Corpus, query: string): string[] | undefined {
  if (corpus.streamMatched.length === 0) return undefined;
  const known = new Set(corpus.streamMatched.flatMap((m) => m.rules));
  const clauses = query.split(' OR ').map((term) => term.trim().replace(/^\((.*)\)$/, '$1'));
  return clauses.every((clause) => known.has(clause)) ? clauses : undefined;
}

/** X's answers, captured, when recent search is asked to reach past its 7 days. */
function outsideRecentWindow(query: URLSearchParams, oldest: number): Reply | undefined {
  const bound = minute(oldest);
  const start = timeParam(query, 'start_time');
  if (start !== undefined && start < oldest) {
    const given = query.get('start_time') ?? '';
    return invalidParameter('start_time', given, `Invalid 'start_time':'${minute(start)}'. 'start_time' must be on or after ${bound}`);
  }
  for (const name of ['since_id', 'until_id']) {
    const id = query.get(name);
    if (id !== null && tweetTime(id) < oldest) {
      const smallest = ((BigInt(oldest) - 1288834974657n) << 22n).toString();
      return invalidParameter(
        name,
        id,
        `'${name}' must be a tweet id created after ${bound}. Please use a '${name}' that is larger than ${smallest}`,
      );
    }
  }
  return undefined;
}

/** A time as X's window messages write it: to the minute. */
function minute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}

function timeParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  return raw === null ? undefined : Date.parse(raw);
}

/** Marks a next_token whose empty page has been served: the next request with it gets the results. */
const AFTER_EMPTY = 'E';

function page(
  corpus: Corpus,
  newestFirst: readonly FakeTweet[],
  query: URLSearchParams,
  size: number,
  tokenName: string,
  emptyPages = false,
): Reply {
  const sinceId = idParam(query, 'since_id');
  const untilId = idParam(query, 'until_id');
  const given = query.get(tokenName);
  if (emptyPages && given !== null && !given.startsWith(AFTER_EMPTY))
    return { status: 200, body: { meta: { result_count: 0, next_token: `${AFTER_EMPTY}${given}` } } };
  const token = emptyPages && given?.startsWith(AFTER_EMPTY) === true ? given.slice(AFTER_EMPTY.length) : given;
  let below = untilId;
  if (token !== null) {
    const decoded = decodeToken(token);
    if (decoded === undefined)
      return invalidParameter(tokenName, token, `The \`${tokenName}\` query parameter value [${token}] is not valid`);
    below = decoded;
  }
  const matching = newestFirst.filter(
    (t) => (sinceId === undefined || BigInt(t.id) > sinceId) && (below === undefined || BigInt(t.id) < below),
  );
  const slice = matching.slice(0, size);
  const first = slice[0];
  const last = slice[slice.length - 1];
  if (!first || !last) return { status: 200, body: { meta: { result_count: 0 } } };
  const meta: Record<string, unknown> = { result_count: slice.length, newest_id: first.id, oldest_id: last.id };
  if (matching.length > size) meta['next_token'] = encodeToken(BigInt(last.id));
  const projection = new Projection(query);
  const includes = corpus.includesFor(slice, projection);
  const body: Record<string, unknown> = { data: slice.map((t) => projection.of('tweet', t.json)) };
  if (Object.keys(includes).length > 0) body['includes'] = includes;
  body['meta'] = meta;
  return { status: 200, body };
}

function timelineBlocked(user: FakeUser | undefined, userId: string): unknown {
  if (!user || user.condition === 'not_found') return userProblem('id', userId, 'not_found');
  if (user.condition === 'suspended') return userProblem('id', userId, 'suspended');
  if (user.condition === 'protected') {
    return {
      resource_id: userId,
      parameter: 'id',
      resource_type: 'user',
      section: 'data',
      title: 'Authorization Error',
      value: userId,
      detail: `Sorry, you are not authorized to see the user with id: [${userId}].`,
      type: 'https://api.twitter.com/2/problems/not-authorized-for-resource',
    };
  }
  return undefined;
}

function userProblem(parameter: string, value: string, kind: 'not_found' | 'suspended'): Record<string, unknown> {
  const list = parameter === 'usernames' ? 'usernames' : 'ids';
  return {
    value,
    detail: kind === 'suspended' ? `User has been suspended: [${value}].` : `Could not find user with ${list}: [${value}].`,
    title: kind === 'suspended' ? 'Forbidden' : 'Not Found Error',
    resource_type: 'user',
    parameter,
    resource_id: value,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}

function maxResults(query: URLSearchParams, min: number, max: number, fallback: number): number | Reply {
  const raw = query.get('max_results');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    return invalidParameter('max_results', raw, `The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`);
  }
  return value;
}

/** An id bound; parameterProblems has refused a malformed one before the endpoint answers. */
function idParam(query: URLSearchParams, name: string): bigint | undefined {
  const raw = query.get(name);
  return raw === null ? undefined : BigInt(raw);
}

/** Opaque to clients, as X's tokens are: it hides the id paging continues below. */
function encodeToken(below: bigint): string {
  return Buffer.from(`p:${below.toString(36)}`).toString('base64url');
}

function decodeToken(token: string): bigint | undefined {
  const text = Buffer.from(token, 'base64url').toString();
  if (!text.startsWith('p:')) return undefined;
  const digits = text.slice(2);
  if (!/^[0-9a-z]+$/.test(digits)) return undefined;
  return Array.from(digits, (c) => BigInt(parseInt(c, 36))).reduce((n, d) => n * 36n + d, 0n);
}
