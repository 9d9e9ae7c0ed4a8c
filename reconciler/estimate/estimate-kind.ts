/*
 * The estimate's seam for a kind of collection: what X's counts are asked to price it by, and its
 * cost from what the edge fetched (pure, as cost.ts is). One module per kind (kind-*.ts), one entry
 * each in kinds.ts; the figures and inputs every kind shares are here.
 */

import { costOf, DAYS_PER_MONTH, NO_READS, type BillableReads } from '../../platform/billing/cost-model.js';
import type { Prices } from '../../platform/billing/prices.js';
import type { DesiredCollection } from '../plan/model.js';

export interface Figure {
  readonly posts: number;
  readonly users: number;
  readonly usd: number;
  /** How it was estimated. */
  readonly how: string;
}

export interface CollectionCost {
  readonly id: string;
  readonly type: string;
  readonly profile: string;
  /** Added, resumed or changed by this plan. */
  readonly changed: boolean;
  readonly first?: Figure;
  readonly monthly?: Figure;
  /** Why a figure is missing or partial. */
  readonly note?: string;
}

export interface CostInputs {
  readonly desired: readonly DesiredCollection[];
  readonly changed: ReadonlySet<string>;
  /** Posts a week by search or filter collection, from X's counts; a reason where there is none. */
  readonly weekly: ReadonlyMap<string, number | { readonly reason: string }>;
  /** Posts a full-archive search's first harvest reads back to its start_time, from X's full-archive counts. */
  readonly reachBack?: ReadonlyMap<string, number | { readonly reason: string }>;
  /** The counts requests the estimate made, each charged. */
  readonly countsRequests: { readonly recent: number; readonly all: number };
  /** Posts a day of a timeline's accounts as its harvests observed them between look-ups, by collection and user id. */
  readonly observedRates?: ReadonlyMap<string, Readonly<Record<string, number>>>;
  /** What a collection's harvests read in a month, for kinds priced by what they did (quotes, list), by collection. */
  readonly history?: ReadonlyMap<string, HarvestHistory>;
  /** How many ids a lookup's harvests hydrated whole (its last list's count), by collection. */
  readonly hydratedIds?: ReadonlyMap<string, number>;
  /** A timeline's accounts that harvests already reached (a resume point in state.json): no first harvest for them. */
  readonly harvestedAccounts?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Harvests a month of a schedule (undefined: none, harvested by hand). */
  readonly runsPerMonth: (schedule: string | undefined) => number;
  readonly settings: {
    readonly accessLevel: string;
    readonly prices: Prices;
    readonly pricesAsOf: string;
    readonly postCap: number;
    readonly budgetUsd?: number;
  };
}

export interface VolumeQuery {
  readonly id: string;
  readonly profile: string;
  /** The queries whose counts add up to the collection's volume. */
  readonly queries: readonly string[];
  /** Why it cannot be counted at all. */
  readonly uncountable?: string;
  /** A full-archive search whose first harvest reaches back past the 7 days recent counts cover. */
  readonly reachesBack?: { readonly start: string; readonly end?: string };
}

export type KindCost = Pick<CollectionCost, 'first' | 'monthly' | 'note'>;

/** What a collection's harvests read over `days` of a UTC month (the last whole one, else this one so far). */
export interface HarvestHistory {
  readonly month: string;
  readonly days: number;
  readonly harvests: number;
  readonly posts: number;
  readonly users: number;
}

/** A month of a collection priced by what its harvests read lately, scaled to 30.44 days; undefined before any harvest. */
export function historyMonth(d: DesiredCollection, inputs: CostInputs): Figure | undefined {
  const seen = inputs.history?.get(d.id);
  if (seen === undefined || seen.harvests === 0 || seen.days <= 0) return undefined;
  const scale = DAYS_PER_MONTH / seen.days;
  const how = `what its ${seen.harvests} harvest(s) read in ${round1(seen.days)} days of ${seen.month}, x 30.44 / ${round1(seen.days)}`;
  return figure({ posts: Math.round(seen.posts * scale), users: Math.round(seen.users * scale) }, inputs.settings.prices, how);
}

/** A figure to one decimal, as the estimate's explanations print it. */
export const round1 = (value: number): string => (Math.round(value * 10) / 10).toLocaleString('en');

export interface EstimateKind {
  /** The fields whose change moves the cost (schedule's is every kind's). */
  readonly costFields: readonly string[];
  /** Priced by what its harvests read lately (inputs.history), having nothing to count in advance. */
  readonly pricedByHistory?: boolean;
  /** What X's recent counts are asked, for a kind priced by them; absent for a kind priced otherwise. */
  countQueries?(d: DesiredCollection, queryLength: number, now: number): Pick<VolumeQuery, 'queries' | 'uncountable' | 'reachesBack'>;
  cost(d: DesiredCollection, inputs: CostInputs): KindCost;
}

export function figure(reads: { posts: number; users?: number }, prices: Prices, how: string): Figure {
  const billable: BillableReads = { ...NO_READS, posts: reads.posts, users: reads.users ?? 0 };
  return { posts: reads.posts, users: reads.users ?? 0, usd: costOf(billable, prices).usd, how };
}

/**
 * A month of a collection priced by X's counts: the week counted, scaled by 30.44 / 7, bounded by
 * max_records; or why there is no count.
 */
export function countedMonth(
  d: DesiredCollection,
  inputs: CostInputs,
): { readonly note: string } | { readonly counted: number; readonly monthly: Figure; readonly bounded: (posts: number) => number } {
  const counted = inputs.weekly.get(d.id);
  if (typeof counted !== 'number') return { note: counted?.reason ?? 'not counted' };
  const bound = d.body.max_records;
  const bounded = (posts: number): number => Math.round(bound === undefined ? posts : Math.min(posts, bound));
  const how = `X's counts: ${counted.toLocaleString('en')} posts in 7 days, x 30.44 / 7`;
  return { counted, monthly: figure({ posts: bounded((counted * DAYS_PER_MONTH) / 7) }, inputs.settings.prices, how), bounded };
}
