/*
 * The REST endpoints the harvester uses, answering as X API v2 does on the wire: pages of
 * `data`/`includes`/`meta`, partial errors with status 200, `{"meta":{"result_count":0}}` for
 * an empty page, invalid parameters with 400 and the problem shape.
 */

import { userObject, type Corpus, type FakeTweet, type FakeUser } from './corpus.js';

export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** Timelines reach back this far and no further, whatever the paging. */
export const TIMELINE_CAP = 3200;

export function lookupUsers(corpus: Corpus, query: URLSearchParams, by: 'ids' | 'usernames'): Reply {
  const raw = query.get(by);
  if (raw === null || raw === '') return invalidRequest(by, '', `The \`${by}\` query parameter can not be empty`);
  const values = raw.split(',');
  if (values.length > 100)
    return invalidRequest(
      by,
      raw,
      `The number of values in the \`${by}\` query parameter list [${values.length}] is not between 1 and 100`,
    );
  const data: unknown[] = [];
  const errors: unknown[] = [];
  for (const value of values) {
    const user = by === 'ids' ? corpus.user(value) : corpus.userByName(value);
    if (!user || user.condition === 'not_found') errors.push(userProblem(by, value, 'not_found'));
    else if (user.condition === 'suspended') errors.push(userProblem(by, value, 'suspended'));
    else data.push(userObject(user));
  }
  const body: Record<string, unknown> = {};
  if (data.length > 0) body['data'] = data;
  if (errors.length > 0) body['errors'] = errors;
  return { status: 200, body };
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

export function search(corpus: Corpus, query: URLSearchParams, archive: boolean, emptyPages = false): Reply {
  if (!query.get('query')) return invalidRequest('query', '', 'The `query` query parameter can not be empty');
  const size = maxResults(query, 10, archive ? 500 : 100, 10);
  if (typeof size !== 'number') return size;
  const newestFirst = [...corpus.searchable].reverse();
  return page(corpus, newestFirst, query, size, 'next_token', emptyPages);
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
      return invalidRequest(tokenName, token, `The \`${tokenName}\` query parameter value [${token}] is not valid`);
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
  return { status: 200, body: { data: slice.map((t) => t.json), includes: corpus.includesFor(slice), meta } };
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
    return invalidRequest('max_results', raw, `The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`);
  }
  return value;
}

function idParam(query: URLSearchParams, name: string): bigint | undefined {
  const raw = query.get(name);
  return raw !== null && /^\d{1,19}$/.test(raw) ? BigInt(raw) : undefined;
}

export function invalidRequest(parameter: string, value: string, message: string): Reply {
  return {
    status: 400,
    body: {
      errors: [{ parameters: { [parameter]: [value] }, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    },
  };
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
