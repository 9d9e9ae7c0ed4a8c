import { createHash } from 'node:crypto';
import type { ArchiveObjects } from '../../platform/archive/objects.js';
import type { Collection, LookedUp } from '../desired/collection.js';

export type CollectionConfig = ArchiveObjects['collection-config'];

/** The part of collection.json that git decides: everything but the format, the state and the apply's stamps. */
export type ConfigBody = Omit<CollectionConfig, 'format' | 'state' | 'rendered_at' | 'changeset' | 'removed_at'>;

/** What a collection file renders to in the archive (docs/architecture.md, "The archive contract"): no secrets, only a profile name. */
export function renderBody(collection: Collection): ConfigBody {
  const base = {
    id: collection.id,
    type: collection.type,
    ...(collection.description !== undefined ? { description: collection.description } : {}),
    credentials: collection.credentials,
    output: { ...collection.output },
    labels: { ...collection.labels },
    ...(collection.compliance !== undefined ? { compliance: { schedule: collection.compliance.schedule } } : {}),
    ...(collection.budget !== undefined ? { budget: { monthly_usd: collection.budget.monthly_usd } } : {}),
  };
  switch (collection.type) {
    case 'user_timeline':
      return {
        ...base,
        // What users add learned of an account prices plans; it is no part of what a harvest runs with.
        users: Object.fromEntries(Object.entries(collection.users).map(([id, { looked_up: _facts, ...user }]) => [id, { ...user }])),
        delete_users_for: [...collection.delete_users_for],
        ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
        ...(collection.lookup_every !== undefined ? { lookup_every: collection.lookup_every } : {}),
      };
    case 'search':
      return {
        ...base,
        query: collection.query,
        archive: collection.archive,
        ...(collection.max_records !== undefined ? { max_records: collection.max_records } : {}),
        ...(collection.start_time !== undefined ? { start_time: collection.start_time } : {}),
        ...(collection.end_time !== undefined ? { end_time: collection.end_time } : {}),
        ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
      };
    case 'filter':
      return {
        ...base,
        rules: collection.rules.map((rule) => ({ ...rule })),
        track: [...collection.track],
        follow: [...collection.follow],
        ...(collection.max_records !== undefined ? { max_records: collection.max_records } : {}),
      };
  }
}

export function bodyOf(config: CollectionConfig): ConfigBody {
  const { format: _format, state: _state, rendered_at: _at, changeset: _changeset, removed_at: _removed, ...body } = config;
  return body;
}

/** A content hash of a config body (keys sorted), so that plan compares without fetching bodies. */
export function bodyHash(body: ConfigBody): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The desired side of a plan: each valid collection rendered and hashed. */
export function desiredCollections(
  collections: readonly Collection[],
): Array<{ id: string; state: Collection['state']; body: ConfigBody; hash: string; lookedUp?: Readonly<Record<string, LookedUp>> }> {
  return collections.map((collection) => {
    const body = renderBody(collection);
    const lookedUp = collection.type === 'user_timeline' ? lookedUpOf(collection.users) : undefined;
    return { id: collection.id, state: collection.state, body, hash: bodyHash(body), ...(lookedUp ? { lookedUp } : {}) };
  });
}

function lookedUpOf(users: Readonly<Record<string, { readonly looked_up?: LookedUp }>>): Readonly<Record<string, LookedUp>> | undefined {
  const facts = Object.entries(users).flatMap(([id, user]) => (user.looked_up ? [[id, user.looked_up] as const] : []));
  return facts.length > 0 ? Object.fromEntries(facts) : undefined;
}
