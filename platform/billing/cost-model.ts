/*
 * The one cost model: billable reads in, dollars out. Pure, so that the plan's estimate, a
 * harvest's record, `status` and the report all count the same way.
 *
 * X's rules ("Usage and billing", read 2026-12): reads are charged per resource returned (posts,
 * users), counts per request; only successful responses that return data are charged; the same
 * resource read twice in one UTC day is charged once. Whether the objects of `includes` (the
 * authors and referenced posts that expansions bring) are charged as reads, X's pages do not say:
 * they are counted apart, as possibly billed, and shown as such, never silently added or dropped.
 */

import type { Prices } from './prices.js';

export interface BillableReads {
  /** Posts returned as a response's `data`. */
  readonly posts: number;
  /** Users returned as a look-up's `data`. */
  readonly users: number;
  readonly counts_recent_requests: number;
  readonly counts_all_requests: number;
  /** Posts in `includes` (referenced, pinned, most recent): possibly billed. */
  readonly possibly_posts: number;
  /** Users in `includes` (authors, mentioned, replied to): possibly billed. */
  readonly possibly_users: number;
}

export const NO_READS: BillableReads = {
  posts: 0,
  users: 0,
  counts_recent_requests: 0,
  counts_all_requests: 0,
  possibly_posts: 0,
  possibly_users: 0,
};

export function addReads(a: BillableReads, b: Partial<BillableReads>): BillableReads {
  return {
    posts: a.posts + (b.posts ?? 0),
    users: a.users + (b.users ?? 0),
    counts_recent_requests: a.counts_recent_requests + (b.counts_recent_requests ?? 0),
    counts_all_requests: a.counts_all_requests + (b.counts_all_requests ?? 0),
    possibly_posts: a.possibly_posts + (b.possibly_posts ?? 0),
    possibly_users: a.possibly_users + (b.possibly_users ?? 0),
  };
}

export interface Cost {
  /** What the reads X certainly charges cost. */
  readonly usd: number;
  /** What the `includes` objects would add if X charges them too. */
  readonly possibly_usd: number;
}

/** Dollars to a hundredth of a cent: prices are fractions of a cent, sums must not drift. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 10_000) / 10_000;
}

export function costOf(reads: BillableReads, prices: Prices): Cost {
  return {
    usd: roundUsd(
      reads.posts * prices.post_read +
        reads.users * prices.user_read +
        reads.counts_recent_requests * prices.counts_recent_request +
        reads.counts_all_requests * prices.counts_all_request,
    ),
    possibly_usd: roundUsd(reads.possibly_posts * prices.post_read + reads.possibly_users * prices.user_read),
  };
}

/** "$16.00", "$0.01", "$0.005": cents, or the fraction of a cent a single read costs. */
export function formatUsd(usd: number): string {
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${usd.toFixed(3)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The UTC calendar month a read falls in ("2026-12"): the month budgets and `status` add up. */
export function billingMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** The UTC day X de-duplicates reads within. */
export function billingDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The newest posts of an account its timeline serves; a first harvest reads at most these. */
export const TIMELINE_DEPTH = 3200;

/** Posts a first harvest of an account reads: its whole timeline, up to the 3,200 X serves. */
export function firstTimelinePosts(tweetCount: number): number {
  return Math.min(Math.max(0, tweetCount), TIMELINE_DEPTH);
}

/** Days in an average month, for scaling rates. */
export const DAYS_PER_MONTH = 30.44;

/** A resource as returned (`data`), or as an expansion brought it (`includes`, possibly billed). */
export type ReadKind = 'post' | 'user' | 'included-post' | 'included-user';

/**
 * Resources already read today, so that a second read of one is not counted again (X charges it
 * once a UTC day). Bounded: past `most` remembered ids a day, reads are counted as new, which can
 * only overstate a cost, never hide one.
 */
export class DailyReads {
  private day = '';
  private readonly seen = new Set<string>();

  constructor(private readonly most = 200_000) {}

  /** True when `kind:id` was not read yet this UTC day (and remembers it). */
  firstToday(kind: ReadKind, id: string, at: Date): boolean {
    const day = billingDay(at);
    if (day !== this.day) {
      this.day = day;
      this.seen.clear();
    }
    const key = `${kind}:${id}`;
    if (this.seen.has(key)) return false;
    if (this.seen.size < this.most) this.seen.add(key);
    return true;
  }
}
