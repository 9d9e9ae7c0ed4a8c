/*
 * X API v2 rate limits as the server keeps them: fixed windows per app token and endpoint, `x-rate-limit-*` headers on every response (429s included), the
 * reset given in whole epoch seconds. Window lengths are scaled down in tests.
 */

export interface RateLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** The published per-app limits per 15 minutes (Pro access), by endpoint. */
export const REAL_LIMITS: Readonly<Record<string, RateLimit>> = {
  users: { limit: 300, windowMs: 900_000 },
  'users/by': { limit: 300, windowMs: 900_000 },
  'users/:id/tweets': { limit: 1500, windowMs: 900_000 },
  'users/:id/mentions': { limit: 450, windowMs: 900_000 },
  tweets: { limit: 3500, windowMs: 900_000 },
  // Quote Tweets lookup: 75 requests per 15 minutes per app (X's rate-limit table).
  'tweets/:id/quote_tweets': { limit: 75, windowMs: 900_000 },
  // List Posts and List members lookup: 900 requests per 15 minutes with App only (X's migration guides, "Default request rate limits").
  'lists/:id/tweets': { limit: 900, windowMs: 900_000 },
  'lists/:id/members': { limit: 900, windowMs: 900_000 },
  'tweets/search/recent': { limit: 450, windowMs: 900_000 },
  'tweets/search/all': { limit: 300, windowMs: 900_000 },
  'tweets/search/stream': { limit: 50, windowMs: 900_000 },
  'tweets/search/stream/rules': { limit: 450, windowMs: 900_000 },
  'tweets/counts/recent': { limit: 300, windowMs: 900_000 },
  'tweets/counts/all': { limit: 300, windowMs: 900_000 },
  'usage/tweets': { limit: 50, windowMs: 900_000 },
  // Batch compliance: 150 requests per 15 minutes per app, for creating, listing and reading jobs.
  'compliance/jobs': { limit: 150, windowMs: 900_000 },
  'compliance/jobs/:id': { limit: 150, windowMs: 900_000 },
};

interface Window {
  used: number;
  /** Epoch milliseconds, on a whole second as the header reports it. */
  resetAt: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  readonly headers: Record<string, string>;
}

export class RateLimits {
  private readonly windows = new Map<string, Window>();
  /** Every request refused with 429, by endpoint: a well-behaved client makes none. */
  readonly refused = new Map<string, number>();

  constructor(private readonly limits: Readonly<Record<string, RateLimit>>) {}

  take(token: string, endpoint: string, now = Date.now()): RateDecision {
    const limit = this.limits[endpoint] ?? REAL_LIMITS[endpoint] ?? { limit: 1_000_000, windowMs: 900_000 };
    const key = `${token}\0${endpoint}`;
    let window = this.windows.get(key);
    if (!window || now >= window.resetAt) {
      // Windows on a fixed grid of whole seconds, so that a scaled window's reset is exact in the header.
      window = { used: 0, resetAt: (Math.floor(now / limit.windowMs) + 1) * limit.windowMs };
      this.windows.set(key, window);
    }
    const allowed = window.used < limit.limit;
    if (allowed) window.used += 1;
    else this.refused.set(endpoint, (this.refused.get(endpoint) ?? 0) + 1);
    return { allowed, headers: headers(limit.limit, limit.limit - window.used, window.resetAt) };
  }

  /** Headers that report quota left in a window ending `resetInMs` from now, without spending any of it. */
  peek(token: string, endpoint: string, resetInMs: number, now = Date.now()): Record<string, string> {
    const limit = this.limits[endpoint] ?? REAL_LIMITS[endpoint] ?? { limit: 1000, windowMs: resetInMs };
    const resetAt = Math.ceil((now + resetInMs) / 1000) * 1000;
    const used = this.windows.get(`${token}\0${endpoint}`)?.used ?? 0;
    return headers(limit.limit, limit.limit - used, resetAt);
  }

  /** Headers for a 429 that a fault forces, with the window still reported truthfully. */
  exhausted(token: string, endpoint: string, resetInMs: number, now = Date.now()): Record<string, string> {
    const limit = this.limits[endpoint] ?? REAL_LIMITS[endpoint] ?? { limit: 1, windowMs: resetInMs };
    const resetAt = Math.ceil((now + resetInMs) / 1000) * 1000;
    this.windows.set(`${token}\0${endpoint}`, { used: limit.limit, resetAt });
    this.refused.set(endpoint, (this.refused.get(endpoint) ?? 0) + 1);
    return headers(limit.limit, 0, resetAt);
  }
}

function headers(limit: number, remaining: number, resetAt: number): Record<string, string> {
  return {
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(Math.max(0, remaining)),
    'x-rate-limit-reset': String(resetAt / 1000),
  };
}
