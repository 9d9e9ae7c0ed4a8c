import { UserError } from '../errors.js';

/** X refused the credentials (401): wrong, revoked, or for another app. */
export class XCredentialsRejected extends UserError {
  constructor(profile: string, endpoint: string) {
    super(
      `X API refused the credentials of profile "${profile}" (401 Unauthorized on ${endpoint})`,
      'check the bearer token or keys of that profile (twarc2 config file, environment, or SSM); they may have been revoked or regenerated',
    );
  }
}

/** The endpoint needs an app's bearer token and the profile has only user-context keys (403). */
export class XAppAuthRequired extends UserError {
  constructor(profile: string, endpoint: string) {
    super(
      `${endpoint} accepts only app authentication (a bearer token), and profile "${profile}" has none`,
      'add bearer_token to the profile: it is on the app\'s "Keys and tokens" page in the X developer portal',
    );
  }
}

/**
 * The app's project has used up its monthly post cap: X refuses every request with a 429 until the
 * cap resets, however often it is asked, so the harvest stops (its state saved) instead of retrying.
 */
export class XUsageCapReached extends UserError {
  constructor(endpoint: string, detail: string) {
    super(
      `X API refused ${endpoint}: the monthly post cap of this app's project is used up (${detail}); X refuses every request until it resets at the start of the next monthly billing period`,
      'the usage page of the X developer portal shows the cap and its reset date; the harvest stopped with its state saved, and the next one resumes where it stopped',
    );
  }
}

/** True for X's answer when the monthly post cap is used up (a 429 whose rate-limit headers may still show quota left). */
export function isUsageCapped(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const problem = body as { type?: unknown; title?: unknown };
  return problem.type === 'https://api.twitter.com/2/problems/usage-capped' || problem.title === 'UsageCapExceeded';
}

/** The API kept failing (5xx, resets, timeouts) beyond the retries. */
export class XApiUnavailable extends UserError {
  constructor(endpoint: string, attempts: number, last: string, kind: 'network' | 'http' | 'rate-limit' = 'http') {
    super(
      `X API ${endpoint} failed ${attempts} times in a row; last: ${last}`,
      `${kind === 'network' ? 'X could not be reached from this machine: check its network, proxy and DNS, and the API base URL (--api-base-url or TWARC_CLOUD_API_BASE_URL)' : 'X kept failing; try again later (https://api.twitterstat.us shows outages)'}. Nothing is lost: a harvest keeps its state, and the next run resumes where it stopped`,
    );
  }
}

/**
 * X answered 404 for an endpoint: nothing is there at this base URL. X answers a missing post or
 * account inside a 200 (`errors`), so a 404 means the base URL is wrong, or X does not offer the
 * endpoint (to this access level, or any more): the user's to fix, never a bug.
 */
export class XEndpointNotFound extends UserError {
  constructor(endpoint: string, baseUrl: string, detail: string) {
    super(
      `X API answered 404 Not Found for ${endpoint} at ${baseUrl} (${detail})`,
      "check the API base URL (--api-base-url or TWARC_CLOUD_API_BASE_URL; X's is https://api.x.com/2/), and that your X API access includes this endpoint",
    );
  }
}

/** The API refused a request as invalid (400/other 4xx): a bug in how we asked, or a config X rejects. */
export class XApiRequestRefused extends Error {
  override readonly name = 'XApiRequestRefused';
  constructor(
    readonly endpoint: string,
    readonly status: number,
    detail: string,
  ) {
    super(`X API ${endpoint} answered ${status}: ${detail}`);
  }
}

/** The title and detail of an X problem body, or its first error, for messages. Never headers. */
export function problemSummary(body: unknown): string {
  if (typeof body !== 'object' || body === null) return 'no details';
  const problem = body as { title?: unknown; detail?: unknown; errors?: Array<{ message?: unknown; title?: unknown; detail?: unknown }> };
  const first = problem.errors?.[0];
  const parts = [problem.title, problem.detail, first?.message, first?.title, first?.detail].filter(
    (p): p is string => typeof p === 'string',
  );
  return parts.length > 0 ? parts.join(': ') : 'no details';
}
