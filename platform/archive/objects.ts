/*
 * The archive's JSON objects, typed, and checked against schemas/archive/ on every read and
 * write: a reader never acts on an object it does not understand, and a writer never stores one.
 */

import { UserError } from '../errors.js';
import { schemaValidator } from '../schema-validation.js';
import type { ArchiveStore, WriteConditions } from './store.js';

type Timestamp = string;
type CollectionType = 'user_timeline' | 'search' | 'filter';

export interface LockHolder {
  readonly host: string;
  readonly pid: number;
  readonly task?: string;
}

export interface Takeover {
  readonly harvest_id: string;
  readonly holder: LockHolder;
  readonly heartbeat_at: Timestamp;
  readonly at: Timestamp;
}

export interface ArchiveObjects {
  'collection-config': {
    format: 'twarc-cloud/collection-config@1';
    id: string;
    type: CollectionType;
    state: 'active' | 'suspended' | 'removed';
    description?: string;
    credentials: string;
    output: { tweets_per_file: number; rotate_minutes: number };
    labels: Record<string, string | number | boolean>;
    users?: Record<string, { screen_name: string; note?: string }>;
    delete_users_for?: Array<'protected' | 'suspended' | 'not_found'>;
    schedule?: string;
    lookup_every?: string;
    compliance?: { schedule: string };
    budget?: { monthly_usd: number };
    query?: string;
    archive?: boolean;
    max_records?: number;
    start_time?: Timestamp;
    end_time?: Timestamp;
    rules?: Array<{ value: string; tag?: string }>;
    track?: string[];
    follow?: string[];
    rendered_at: Timestamp;
    removed_at?: Timestamp;
    changeset: string;
  };
  state: {
    format: 'twarc-cloud/state@1';
    collection: string;
    harvest_id: string;
    updated_at: Timestamp;
    tweets_total?: number;
    users_looked_up_at?: Timestamp;
    users?: Record<
      string,
      {
        since_id?: string;
        until_id?: string;
        pending_since_id?: string;
        screen_name?: string;
        condition?: 'ok' | 'protected' | 'suspended' | 'not_found';
        tweet_count?: number;
        tweet_count_at?: Timestamp;
        posts_per_day?: number;
      }
    >;
    search?: { since_id?: string; until_id?: string; pending_since_id?: string };
    stream?: { tweets?: number; newest_id?: string };
  };
  lock: {
    format: 'twarc-cloud/lock@1';
    collection: string;
    harvest_id: string;
    holder: LockHolder;
    acquired_at: Timestamp;
    heartbeat_at: Timestamp;
    progress?: { tweets: number; files: number; bytes: number; at: Timestamp };
    control?: { url?: string; token: string };
    took_over?: Takeover;
  };
  harvest: {
    format: 'twarc-cloud/harvest@1';
    collection: string;
    harvest_id: string;
    type: CollectionType;
    started_at: Timestamp;
    ended_at?: Timestamp;
    outcome: 'running' | 'completed' | 'stopped' | 'failed';
    stop_reason?: string;
    tweets: number;
    bytes: number;
    files: Array<{ name: string; tweets: number; bytes: number; sha1: string }>;
    unmatched?: { messages: number; files: Array<{ name: string; tweets: number; bytes: number; sha1: string }> };
    gaps?: Array<{ start: Timestamp; end: Timestamp; cause: string }>;
    requests: Record<string, number>;
    rate_limit_waits: { count: number; seconds: number };
    reconnects: number;
    errors: Array<{ at: Timestamp; message: string; endpoint?: string }>;
    took_over?: Takeover;
    billable?: {
      posts: number;
      users: number;
      counts_recent_requests: number;
      counts_all_requests: number;
      possibly_posts: number;
      possibly_users: number;
    };
    cost?: { usd: number; possibly_usd: number; prices_as_of: string };
  };
  'last-harvest': {
    format: 'twarc-cloud/last-harvest@1';
    collection: string;
    harvest_id: string;
    prefix: string;
    ended_at: Timestamp;
    outcome: 'completed' | 'stopped' | 'failed';
    tweets: number;
    total_tweets?: number;
  };
  'user-changes': {
    format: 'twarc-cloud/user-changes@1';
    collection: string;
    harvest_id: string;
    changes: Array<{
      user_id: string;
      kind: 'renamed' | 'protected' | 'suspended' | 'not_found' | 'reinstated';
      screen_name?: string;
      previous_screen_name?: string;
      action: 'harvested' | 'skipped';
    }>;
  };
  changeset: {
    format: 'twarc-cloud/changeset@1';
    collection: string;
    name: string;
    created_at: Timestamp;
    action: 'create' | 'update' | 'suspend' | 'resume' | 'remove' | 'adopt';
    actor: string;
    git?: { commit?: string; author?: string; branch?: string; message?: string };
    changes: Array<{ path: string; old?: unknown; new?: unknown }>;
  };
  deployment: {
    format: 'twarc-cloud/deployment@1';
    deployment: string;
    cluster: string;
    subnets: string[];
    security_groups: string[];
    assign_public_ip?: boolean;
    task_definition: string;
    container_name: string;
    events_role_arn: string;
    control_port?: number;
    log_group?: string;
    log_stream_prefix?: string;
    dead_letter_queue?: string;
  };
  'collections-index': {
    format: 'twarc-cloud/collections-index@1';
    updated_at: Timestamp;
    collections: Record<
      string,
      {
        type: CollectionType;
        state: 'active' | 'suspended' | 'removed';
        hash: string;
        schedule?: string;
        compliance_schedule?: string;
        release?: string;
        complete?: true;
        stream_group?: string;
      }
    >;
  };
  'apply-lock': {
    format: 'twarc-cloud/apply-lock@1';
    holder: string;
    host?: string;
    pid?: number;
    acquired_at: Timestamp;
    expires_at: Timestamp;
  };
  compliance: {
    format: 'twarc-cloud/compliance@1';
    collection: string;
    run_id: string;
    started_at: Timestamp;
    ended_at: Timestamp;
    harvests: { count: number; newest?: string };
    jobs: Array<{
      type: 'tweets' | 'users';
      job_id: string;
      created_at: Timestamp;
      ids: number;
      events: number;
      reasons: Record<string, number>;
      results: 'tweets.jsonl' | 'users.jsonl';
    }>;
  };
  'stream-group': {
    format: 'twarc-cloud/stream-group@1';
    group: string;
    run_id: string;
    started_at: Timestamp;
    ended_at?: Timestamp;
    outcome: 'running' | 'completed' | 'stopped' | 'failed';
    connections: number;
    reconnects: number;
    gaps?: Array<{ start: Timestamp; end: Timestamp; cause: string; backfilled?: boolean }>;
    members: Array<{ collection: string; harvest_id: string; tweets: number }>;
    unmatched: { messages: number; files: string[] };
    errors: Array<{ at: Timestamp; message: string }>;
    replayed_duplicates?: number;
    backfill_minutes?: number;
  };
  'post-counts': {
    format: 'twarc-cloud/post-counts@1';
    counts: Record<string, { day: string; posts: number }>;
  };
  'stop-request': {
    format: 'twarc-cloud/stop-request@1';
    collection: string;
    harvest_id: string;
    requested_at: Timestamp;
    requested_by: string;
    reason?: string;
  };
}

export type ObjectKind = keyof ArchiveObjects;

/** An object in the archive that its schema refuses: damaged, hand-edited, or from a newer version. */
export class ArchiveObjectInvalid extends UserError {
  constructor(key: string, location: string, problems: string[]) {
    super(
      `${location}/${key} is not a valid ${key.split('/').pop() ?? 'object'}: ${problems.slice(0, 3).join('; ')}`,
      'restore it from the bucket version history or a backup, or remove it if it is a leftover (a newer twarc-cloud may have written it)',
    );
  }
}

export interface Versioned<T> {
  readonly value: T;
  /** Pass to `ifMatch` to replace exactly this version. */
  readonly etag: string;
}

export async function readObject<K extends ObjectKind>(store: ArchiveStore, key: string, kind: K): Promise<Versioned<ArchiveObjects[K]> | undefined> {
  const stored = await store.get(key);
  if (!stored) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(stored.body.toString('utf8'));
  } catch (error) {
    throw new ArchiveObjectInvalid(key, store.location, [`not JSON (${error instanceof Error ? error.message : String(error)})`]);
  }
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== `twarc-cloud/${kind}@1`) {
    const found = typeof format === 'string' ? `has format "${format}"` : 'has no format field';
    throw new ArchiveObjectInvalid(key, store.location, [`it ${found}, and this version of twarc-cloud reads "twarc-cloud/${kind}@1"`]);
  }
  const problems = issues(kind, value);
  if (problems.length > 0) throw new ArchiveObjectInvalid(key, store.location, problems);
  return { value: value as ArchiveObjects[K], etag: stored.etag };
}

/** Objects that hold a secret (the lock's control token): kept from other users of the machine. */
const HOLDS_SECRETS: ReadonlySet<ObjectKind> = new Set(['lock']);
/** Objects rewritten at every heartbeat or removed within the hour: their old versions are not worth keeping. */
const EPHEMERAL: ReadonlySet<ObjectKind> = new Set(['lock', 'apply-lock', 'stop-request']);

/** Writes an object after checking it; an object its own schema refuses is a bug, never stored. */
export async function writeObject<K extends ObjectKind>(
  store: ArchiveStore,
  key: string,
  kind: K,
  value: ArchiveObjects[K],
  conditions: WriteConditions = {},
): Promise<{ etag: string }> {
  const problems = issues(kind, value);
  if (problems.length > 0) throw new Error(`refusing to write an invalid ${kind} to ${key}: ${problems.join('; ')}`);
  return store.put(key, `${JSON.stringify(value, null, 2)}\n`, {
    contentType: 'application/json',
    ...(HOLDS_SECRETS.has(kind) ? { private: true } : {}),
    ...(EPHEMERAL.has(kind) ? { ephemeral: true } : {}),
    ...conditions,
  });
}

function issues(kind: ObjectKind, value: unknown): string[] {
  const validator = schemaValidator(`archive/${kind}`);
  if (validator.accepts(value)) return [];
  return validator
    .issues(value)
    .map((issue) => `${issue.pointer || '/'} ${issue.message}`);
}
