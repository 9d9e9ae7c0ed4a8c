/*
 * The archive's key layout (docs/architecture.md, "The archive contract"), kept compatible with Twarc-Cloud. The one place
 * that builds or parses keys: everything else asks here.
 *
 *   deployment.json | collections.json | locks/apply.json | estimates/post-counts.json
 *   collections/<id>/collection.json | state.json | lock.json | last_harvest.json | stop_request.json
 *   collections/<id>/post_ids.gz             every distinct post id its harvests stored (platform/archive/post-ids.ts)
 *   collections/<id>/changesets/<sortable-unique-name>.json
 *   collections/<id>/inputs/<name>          what a harvest reads besides its config, too big for it (a lookup's ids), named by content
 *   collections/<id>/harvests/YYYY/MM/DD/HH/MM/SS/<harvest files>
 *   collections/<id>/compliance/<run id>/compliance.json | tweets.jsonl | users.jsonl
 *   stream-groups/<profile>/runs/YYYY/MM/DD/HH/MM/SS/stream-group.json | unmatched files
 */

import { schemaPattern } from '../schema-validation.js';

export const DEPLOYMENT_KEY = 'deployment.json';
/** The reconciler's index of applied collections (type, state, config hash): one read for plan. */
export const COLLECTIONS_INDEX_KEY = 'collections.json';
/** Present while an apply runs. */
export const APPLY_LOCK_KEY = 'locks/apply.json';
/** X's counts the plan's cost estimate asked for, by query, each with its day (a cache). */
export const POST_COUNTS_KEY = 'estimates/post-counts.json';
export const COLLECTIONS_PREFIX = 'collections/';
export const STREAM_GROUPS_PREFIX = 'stream-groups/';

/** The collection schema owns the id rule; keys are never built from anything it would refuse. */
const COLLECTION_ID = new RegExp(schemaPattern('collection', 'id'));
/** A stream group is named by its credentials profile, as the collection schema spells one. */
const PROFILE = new RegExp(schemaPattern('collection', 'credentials'));
/** A harvest id is its start time to the second, UTC: 20261129T130501Z. */
const HARVEST_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export interface CollectionKeys {
  readonly prefix: string;
  readonly config: string;
  readonly state: string;
  readonly lock: string;
  readonly lastHarvest: string;
  readonly stopRequest: string;
  /** The distinct post ids of every harvest, rewritten at each harvest's end. */
  readonly postIds: string;
  readonly changesetsPrefix: string;
  readonly harvestsPrefix: string;
  readonly compliancePrefix: string;
  changeset(name: string): string;
  /** The harvests that started in a UTC month ("2026-12"). */
  harvestsOfMonth(month: string): string;
  harvest(harvestId: string): HarvestKeys;
  compliance(runId: string): ComplianceKeys;
  /** An input apply stores for the harvests beside collection.json, named by its content so that a name never changes meaning. */
  input(name: string): string;
}

/** One compliance run: X's results as it wrote them, one file per job type, and the run's record, written last. */
export interface ComplianceKeys {
  readonly prefix: string;
  readonly record: string;
  results(type: 'tweets' | 'users'): string;
}

export interface HarvestKeys {
  readonly prefix: string;
  readonly users: string;
  readonly userChanges: string;
  readonly manifest: string;
  readonly config: string;
  readonly summary: string;
  /** What X said of ids it would not serve (a lookup's): one JSON line each, with X's reason. */
  readonly unavailable: string;
  /** A tweets file, named by when it was opened and its place in the harvest, so names never collide. */
  readonly tweets: (openedAt: Date, sequence: number) => string;
}

export function collectionKeys(collectionId: string): CollectionKeys {
  if (!COLLECTION_ID.test(collectionId)) throw new Error(`invalid collection id for an archive key: ${JSON.stringify(collectionId)}`);
  const base = `${COLLECTIONS_PREFIX}${collectionId}/`;
  return {
    prefix: base,
    config: `${base}collection.json`,
    state: `${base}state.json`,
    lock: `${base}lock.json`,
    lastHarvest: `${base}last_harvest.json`,
    stopRequest: `${base}stop_request.json`,
    postIds: `${base}post_ids.gz`,
    changesetsPrefix: `${base}changesets/`,
    harvestsPrefix: `${base}harvests/`,
    changeset: (name) => {
      if (!/^[0-9TZ.]+-[a-z0-9]+$/.test(name)) throw new Error(`invalid changeset name: ${JSON.stringify(name)}`);
      return `${base}changesets/${name}.json`;
    },
    compliancePrefix: `${base}compliance/`,
    harvestsOfMonth: (month) => {
      if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`invalid month: ${JSON.stringify(month)}`);
      return `${base}harvests/${month.replace('-', '/')}/`;
    },
    harvest: (harvestId) => harvestKeys(`${base}harvests/${harvestPath(harvestId)}/`),
    input: (name) => {
      if (!/^[a-z]+-[0-9a-f]{64}\.txt$/.test(name)) throw new Error(`invalid input name: ${JSON.stringify(name)}`);
      return `${base}inputs/${name}`;
    },
    compliance: (runId) => {
      if (!HARVEST_ID.test(runId)) throw new Error(`invalid compliance run id: ${JSON.stringify(runId)}`);
      const prefix = `${base}compliance/${runId}/`;
      return { prefix, record: `${prefix}compliance.json`, results: (type) => `${prefix}${type}.jsonl` };
    },
  };
}

function harvestKeys(prefix: string): HarvestKeys {
  return {
    prefix,
    users: `${prefix}users.jsonl`,
    userChanges: `${prefix}user_changes.json`,
    manifest: `${prefix}manifest-sha1.txt`,
    config: `${prefix}collection.json`,
    summary: `${prefix}harvest.json`,
    unavailable: `${prefix}unavailable.jsonl`,
    tweets: (openedAt, sequence) => `${prefix}${tweetsFileName(openedAt, sequence)}`,
  };
}

/** One run of a stream group (the connection a profile's filter collections share): its record and the messages no member's rules matched. */
export interface StreamGroupRunKeys {
  readonly prefix: string;
  readonly record: string;
  readonly unmatched: (openedAt: Date, sequence: number) => string;
}

/** Where every run of a profile's stream group is kept; listing it finds their records. */
export function streamGroupRunsPrefix(profile: string): string {
  if (!PROFILE.test(profile)) throw new Error(`invalid credentials profile for an archive key: ${JSON.stringify(profile)}`);
  return `${STREAM_GROUPS_PREFIX}${profile}/runs/`;
}

/** Whether a key is a stream group run's record. */
export function isStreamGroupRecordKey(key: string): boolean {
  return key.startsWith(STREAM_GROUPS_PREFIX) && key.endsWith('/stream-group.json');
}

export function streamGroupRunKeys(profile: string, runId: string): StreamGroupRunKeys {
  const prefix = `${streamGroupRunsPrefix(profile)}${harvestPath(runId)}/`;
  return {
    prefix,
    record: `${prefix}stream-group.json`,
    unmatched: (openedAt, sequence) => `${prefix}${tweetsFileName(openedAt, sequence, 'unmatched')}`,
  };
}

export function tweetsFileName(openedAt: Date, sequence: number, kind: 'tweets' | 'unmatched' = 'tweets'): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new Error(`invalid tweets file sequence: ${sequence}`);
  return `${kind}-${compactTime(openedAt)}-${String(sequence).padStart(4, '0')}.jsonl.gz`;
}

/** True for a key (or a path relative to a collection) naming a tweets file, not the unmatched stream messages beside it. */
export function isTweetsFileKey(key: string): boolean {
  return /(^|\/)tweets-[^/]+\.jsonl\.gz$/.test(key);
}

export function harvestId(startedAt: Date): string {
  return compactTime(startedAt);
}

/** A compliance run is named as a harvest is, by its start time to the second: 20261202T213000Z. */
export const complianceRunId = harvestId;

/** The run id of a key inside a compliance run's folder, or undefined for any other key. */
export function complianceRunIdOfKey(key: string): string | undefined {
  return /^collections\/[^/]+\/compliance\/(\d{8}T\d{6}Z)\//.exec(key)?.[1];
}

/** When a harvest started, from its id: 20261129T130501Z -> 2026-11-29T13:05:01Z. */
export function harvestStartOf(harvestId: string): string {
  const parts = HARVEST_ID.exec(harvestId);
  if (!parts) throw new Error(`invalid harvest id: ${JSON.stringify(harvestId)}`);
  return `${parts[1]}-${parts[2]}-${parts[3]}T${parts[4]}:${parts[5]}:${parts[6]}Z`;
}

/** The harvest id of a key inside a harvest folder, or undefined for any other key. */
export function harvestIdOfKey(key: string): string | undefined {
  const match = /^collections\/[^/]+\/harvests\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\/(\d{2})\//.exec(key);
  return match ? `${match[1]}${match[2]}${match[3]}T${match[4]}${match[5]}${match[6]}Z` : undefined;
}

/** The collection id of a key under collections/, or undefined. */
export function collectionIdOfKey(key: string): string | undefined {
  const id = /^collections\/([^/]+)\//.exec(key)?.[1];
  return id !== undefined && COLLECTION_ID.test(id) ? id : undefined;
}

/** A sortable, unique changeset name: when it was made, then a distinguishing suffix (e.g. a git sha). */
export function changesetName(createdAt: Date, unique: string): string {
  const suffix = unique.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12) || '0';
  return `${createdAt.toISOString().replace(/[-:]/g, '')}-${suffix}`;
}

function harvestPath(harvestId: string): string {
  const parts = HARVEST_ID.exec(harvestId);
  if (!parts) throw new Error(`invalid harvest id: ${JSON.stringify(harvestId)}`);
  return parts.slice(1).join('/');
}

function compactTime(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}
