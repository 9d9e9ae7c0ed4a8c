import { createHash } from 'node:crypto';
import type { Collection, LookedUp } from '../desired/collection.js';
import type { CollectionConfig, ConfigBody } from './config-body.js';
import { planKind } from './kinds.js';
import type { DesiredCollection } from './model.js';

export type { CollectionConfig, ConfigBody } from './config-body.js';

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
  const kind = planKind(collection.type);
  if (kind === undefined) throw new Error(`no plan kind for collection type ${collection.type}`);
  return { ...base, ...kind.render(collection) };
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
export function desiredCollections(collections: readonly Collection[]): DesiredCollection[] {
  return collections.map((collection) => {
    const body = renderBody(collection);
    const lookedUp = 'users' in collection ? lookedUpOf(collection.users) : undefined;
    const inputs = planKind(collection.type)?.inputs?.(collection);
    return {
      id: collection.id,
      state: collection.state,
      body,
      hash: bodyHash(body),
      ...(lookedUp ? { lookedUp } : {}),
      ...(inputs !== undefined && inputs.length > 0 ? { inputs } : {}),
    };
  });
}

function lookedUpOf(users: Readonly<Record<string, { readonly looked_up?: LookedUp }>>): Readonly<Record<string, LookedUp>> | undefined {
  const facts = Object.entries(users).flatMap(([id, user]) => (user.looked_up ? [[id, user.looked_up] as const] : []));
  return facts.length > 0 ? Object.fromEntries(facts) : undefined;
}
