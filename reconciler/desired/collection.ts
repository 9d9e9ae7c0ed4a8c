/*
 * The desired state of one collection, as the planner sees it: the YAML file after validation, with
 * defaults applied and the filter conveniences compiled. Field names stay those of the YAML format.
 */

import { compileFilterRules, type StreamRule } from './compile-filter-rules.js';

export type CollectionType = 'user_timeline' | 'search' | 'filter';
export type CollectionState = 'active' | 'suspended';
export type UserCondition = 'protected' | 'suspended' | 'not_found';

export interface TrackedUser {
  readonly screen_name: string;
  readonly note?: string;
  /** What `users add` learned of the account, for pricing; never rendered into the harvest's config. */
  readonly looked_up?: LookedUp;
}

export interface LookedUp {
  readonly on: string;
  readonly tweet_count: number;
  readonly posts_per_day?: number;
}

interface CommonFields {
  readonly id: string;
  readonly description?: string;
  readonly credentials: string;
  readonly state: CollectionState;
  readonly output: { readonly tweets_per_file: number; readonly rotate_minutes: number };
  readonly labels: Readonly<Record<string, string | number | boolean>>;
  /** When the stored ids are checked against X's batch compliance jobs; absent: only by hand. */
  readonly compliance?: ComplianceSettings;
  /** What the collection may spend on X reads a month; absent: no limit of its own. */
  readonly budget?: { readonly monthly_usd: number };
}

export interface ComplianceSettings {
  readonly schedule: string;
}

export interface UserTimelineCollection extends CommonFields {
  readonly type: 'user_timeline';
  readonly users: Readonly<Record<string, TrackedUser>>;
  readonly delete_users_for: readonly UserCondition[];
  readonly schedule?: string;
  /** How often a harvest looks the accounts up ("1 day"); absent: daily. */
  readonly lookup_every?: string;
}

export interface SearchCollection extends CommonFields {
  readonly type: 'search';
  readonly query: string;
  readonly archive: boolean;
  readonly max_records?: number;
  readonly start_time?: string;
  readonly end_time?: string;
  readonly schedule?: string;
}

export interface FilterCollection extends CommonFields {
  readonly type: 'filter';
  /** Everything the stream will match: `rules` as written, then the compiled `track` and `follow`. */
  readonly rules: readonly StreamRule[];
  readonly track: readonly string[];
  readonly follow: readonly string[];
  readonly max_records?: number;
}

export type Collection = UserTimelineCollection | SearchCollection | FilterCollection;

/** The YAML document's shape once the schema has accepted it. */
export interface CollectionDocument {
  id: string;
  type: CollectionType;
  description?: string;
  credentials?: string;
  state?: CollectionState;
  output?: { tweets_per_file?: number; rotate_minutes?: number };
  labels?: Record<string, string | number | boolean>;
  compliance?: { schedule: string };
  budget?: { monthly_usd: number };
  users?: Record<string, TrackedUser>;
  delete_users_for?: UserCondition[];
  schedule?: string;
  lookup_every?: string;
  query?: string;
  archive?: boolean;
  max_records?: number;
  start_time?: string;
  end_time?: string;
  rules?: StreamRule[];
  track?: string[];
  follow?: Array<string | number>;
}

export const DEFAULT_CREDENTIALS = 'default';
export const DEFAULT_STATE: CollectionState = 'active';
export const DEFAULT_TWEETS_PER_FILE = 250_000;
export const DEFAULT_ROTATE_MINUTES = 30;

export function toCollection(doc: CollectionDocument, maxRuleLength: number): Collection {
  const common: CommonFields = {
    id: doc.id,
    ...(doc.description === undefined ? {} : { description: doc.description }),
    credentials: doc.credentials ?? DEFAULT_CREDENTIALS,
    state: doc.state ?? DEFAULT_STATE,
    output: {
      tweets_per_file: doc.output?.tweets_per_file ?? DEFAULT_TWEETS_PER_FILE,
      rotate_minutes: doc.output?.rotate_minutes ?? DEFAULT_ROTATE_MINUTES,
    },
    labels: doc.labels ?? {},
    ...(doc.compliance === undefined ? {} : { compliance: { schedule: doc.compliance.schedule } }),
    ...(doc.budget === undefined ? {} : { budget: { monthly_usd: doc.budget.monthly_usd } }),
  };
  const optional = <K extends keyof CollectionDocument>(key: K): Partial<Pick<CollectionDocument, K>> =>
    doc[key] === undefined ? {} : ({ [key]: doc[key] } as Partial<Pick<CollectionDocument, K>>);
  switch (doc.type) {
    case 'user_timeline':
      return {
        ...common,
        type: 'user_timeline',
        users: doc.users ?? {},
        delete_users_for: doc.delete_users_for ?? [],
        ...optional('schedule'),
        ...optional('lookup_every'),
      };
    case 'search':
      return {
        ...common,
        type: 'search',
        query: doc.query ?? '',
        archive: doc.archive ?? false,
        ...optional('max_records'),
        ...optional('start_time'),
        ...optional('end_time'),
        ...optional('schedule'),
      };
    case 'filter': {
      const track = doc.track ?? [];
      const follow = (doc.follow ?? []).map(String);
      const compiled = compileFilterRules({ rules: doc.rules ?? [], track, follow }, maxRuleLength);
      return { ...common, type: 'filter', rules: compiled.rules, track, follow, ...optional('max_records') };
    }
  }
}
