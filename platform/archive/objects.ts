/*
 * The archive's JSON objects, typed, and checked against schemas/archive/ on every read and
 * write: a reader never acts on an object it does not understand, and a writer never stores one.
 */

import { UserError } from '../errors.js';
import { schemaValidator } from '../schema-validation.js';
import type { ArchiveStore, WriteConditions } from './store.js';

import type { ArchiveObjects, CollectionConfigFields, Lock } from './archive-types.js';

/** The types are generated from schemas/archive/ at build (scripts/generate-archive-types.mjs). */
export type { ArchiveObjects } from './archive-types.js';

export type LockHolder = Lock['holder'];
export type Takeover = NonNullable<Lock['took_over']>;

export type ObjectKind = keyof ArchiveObjects;

/**
 * A collection config rendered as one flat record, as the member of the union its type names.
 * Nothing is checked here: writeObject checks every config against its schema, whose rules say
 * which fields each type requires, and refuses one that lacks them.
 */
export function asCollectionConfig(fields: CollectionConfigFields): ArchiveObjects['collection-config'] {
  return fields as ArchiveObjects['collection-config'];
}

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
/**
 * Records rewritten in place outside the harvests: their old versions are kept for the bucket's
 * noncurrent-version days. Everything else (a harvest's files and record, changesets, compliance
 * results) keeps every version for ever.
 */
const REPLACED: ReadonlySet<ObjectKind> = new Set(['collections-index', 'collection-config', 'state', 'last-harvest', 'post-counts', 'stream-group']);

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
    ...(EPHEMERAL.has(kind) ? { ephemeral: true } : REPLACED.has(kind) ? { replaced: true } : {}),
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
