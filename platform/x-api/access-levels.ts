/*
 * What each way of buying the X API allows, for checks that must hold before a request is made and
 * for the plan's cost estimate. One table, one row per access level, each row's facts with where
 * they were read and when (X changes them; a level the documentation no longer lists is kept for
 * accounts still on it).
 *
 * Sources, read 2026-12:
 * - pay_per_use: X developer documentation, "Pricing" and "Usage and billing" (a monthly cap on
 *   Post reads: the pricing page says 3 million, "Usage and billing" 2 million; the lower one stands
 *   until they agree), and "Filtered stream" (1 connection, 1,000 rules of up to 1,024 characters;
 *   backfill and redundant connections are Enterprise only); full-archive search and counts are
 *   included. Query lengths as self-serve access: "Search Posts: query length limits".
 * - enterprise: "Enterprise pricing" and "Filtered stream" (Enterprise): 4,096-character queries,
 *   25,000 rules of 2,048 characters, redundant connections, 5 minutes of backfill; a cap by contract
 *   (50 million and up).
 * - basic, pro: the access levels X sold until 2025 ("Post cap": Basic 10,000, Pro 1,000,000).
 */

export const ACCESS_LEVELS = ['pay_per_use', 'enterprise', 'basic', 'pro'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export const DEFAULT_ACCESS_LEVEL: AccessLevel = 'pay_per_use';

/** An access level as messages name it: "pay-per-use", "pro". */
export function accessLevelName(level: string): string {
  return level.replaceAll('_', '-');
}

export interface XApiLimits {
  readonly recentSearchQueryLength: number;
  readonly fullArchiveSearchQueryLength: number;
  readonly streamRuleLength: number;
  readonly streamRuleCount: number;
  /** Filtered stream connections an app may hold at once. */
  readonly streamConnections: number;
  /** Minutes of missed posts a reconnecting stream may ask for (`backfill_minutes`); 0 where not sold. */
  readonly backfillMinutes: number;
  /** Post reads a billing month allows before X refuses every request (`x_api.monthly_post_cap` overrides). */
  readonly monthlyPostCap: number;
  /** Where the row was read, and when. */
  readonly source: string;
}

export const X_API_LIMITS: Readonly<Record<AccessLevel, XApiLimits>> = {
  pay_per_use: {
    recentSearchQueryLength: 512,
    fullArchiveSearchQueryLength: 1024,
    streamRuleLength: 1024,
    streamRuleCount: 1000,
    streamConnections: 1,
    backfillMinutes: 0,
    monthlyPostCap: 2_000_000,
    source: 'X developer documentation, Pricing; Usage and billing; Filtered stream (read 2026-12)',
  },
  enterprise: {
    recentSearchQueryLength: 4096,
    fullArchiveSearchQueryLength: 4096,
    streamRuleLength: 2048,
    streamRuleCount: 25000,
    streamConnections: 2,
    backfillMinutes: 5,
    monthlyPostCap: 50_000_000,
    source: 'X developer documentation, Enterprise pricing; Filtered stream (read 2026-12)',
  },
  basic: {
    recentSearchQueryLength: 512,
    fullArchiveSearchQueryLength: 1024,
    streamRuleLength: 512,
    streamRuleCount: 25,
    streamConnections: 1,
    backfillMinutes: 0,
    monthlyPostCap: 10_000,
    source: 'X developer documentation, Post cap; Filtered stream (Basic, sold until 2025)',
  },
  pro: {
    recentSearchQueryLength: 512,
    fullArchiveSearchQueryLength: 1024,
    streamRuleLength: 1024,
    streamRuleCount: 1000,
    streamConnections: 1,
    backfillMinutes: 0,
    monthlyPostCap: 1_000_000,
    source: 'X developer documentation, Post cap; Filtered stream (Pro, sold until 2025)',
  },
};

/** The earliest time full-archive search accepts as start_time. */
export const EARLIEST_SEARCH_TIME = '2006-03-21T00:00:01Z';
