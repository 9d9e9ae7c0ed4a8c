/*
 * Limits the X API v2 sets per access level, for checks that must hold before a request is made.
 * Sources: X developer documentation, "Search Posts: query length limits" (self-serve 512 characters
 * for recent search and 1,024 for full-archive search; enterprise 4,096 for both) and "Filtered stream"
 * (rules per project and rule length by access level). The level is a deployment setting
 * (`x_api.access_level` in twarc-cloud.yaml) because it belongs to the API account, not to a collection.
 */

export const ACCESS_LEVELS = ['basic', 'pro', 'enterprise'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export interface XApiLimits {
  readonly recentSearchQueryLength: number;
  readonly fullArchiveSearchQueryLength: number;
  readonly streamRuleLength: number;
  readonly streamRuleCount: number;
}

export const X_API_LIMITS: Readonly<Record<AccessLevel, XApiLimits>> = {
  basic: { recentSearchQueryLength: 512, fullArchiveSearchQueryLength: 1024, streamRuleLength: 512, streamRuleCount: 25 },
  pro: { recentSearchQueryLength: 512, fullArchiveSearchQueryLength: 1024, streamRuleLength: 1024, streamRuleCount: 1000 },
  enterprise: {
    recentSearchQueryLength: 4096,
    fullArchiveSearchQueryLength: 4096,
    streamRuleLength: 2048,
    streamRuleCount: 25000,
  },
};

/**
 * Posts a Project may receive a month (X developer documentation, "Post cap"): Basic 10,000, Pro
 * 1,000,000, Enterprise "50+ million" (its contract says how many more). Posts from searches,
 * streams and timelines all count; one Post received twice in a UTC day counts once.
 */
export const MONTHLY_POST_CAP: Readonly<Record<AccessLevel, number>> = { basic: 10_000, pro: 1_000_000, enterprise: 50_000_000 };

/** The earliest time full-archive search accepts as start_time. */
export const EARLIEST_SEARCH_TIME = '2006-03-21T00:00:01Z';
