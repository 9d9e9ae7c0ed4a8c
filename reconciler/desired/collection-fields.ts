/*
 * What every collection has, whatever its kind: the common fields of a collection file, their
 * defaults, and the shape of a YAML document once the schema has accepted it. The kinds
 * (kind-*.ts, listed in kinds.ts) add their own fields on top.
 */

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

export interface ComplianceSettings {
  readonly schedule: string;
}

export interface CommonFields {
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

/** The YAML document's shape once the schema has accepted it: the common fields, and its kind's (which the kind reads). */
export interface CollectionDocument {
  id: string;
  type: string;
  description?: string;
  credentials?: string;
  state?: CollectionState;
  output?: { tweets_per_file?: number; rotate_minutes?: number };
  labels?: Record<string, string | number | boolean>;
  compliance?: { schedule: string };
  budget?: { monthly_usd: number };
  schedule?: string;
  readonly [kindField: string]: unknown;
}

export const DEFAULT_CREDENTIALS = 'default';
export const DEFAULT_STATE: CollectionState = 'active';
export const DEFAULT_TWEETS_PER_FILE = 250_000;
export const DEFAULT_ROTATE_MINUTES = 30;

export function commonFields(doc: CollectionDocument): CommonFields {
  return {
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
}

/** The fields of `doc` among `keys` that it sets: optional fields stay absent rather than undefined. */
export function present<D extends object, K extends keyof D>(doc: D, ...keys: K[]): Partial<Pick<D, K>> {
  return Object.fromEntries(keys.filter((key) => doc[key] !== undefined).map((key) => [key, doc[key]])) as Partial<Pick<D, K>>;
}
