import { Document } from 'yaml';
import { schemaMaxLength, schemaPattern } from '../../platform/schema-validation.js';

/** A collection.json of the original Twarc-Cloud (Python, API v1.1), as far as it is read here. */
export interface V1Collection {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly keys?: unknown;
  /** Where the original's quick start put the keys. */
  readonly credentials?: unknown;
  readonly users?: Record<string, { screen_name?: unknown; since_id?: unknown } | null>;
  readonly delete_users_for?: unknown;
  readonly filter?: { track?: unknown; follow?: unknown; max_records?: unknown };
  readonly search?: { query?: unknown; since_id?: unknown; max_records?: unknown };
}

export interface Converted {
  readonly id: string;
  readonly yaml: string;
  readonly hadKeys: boolean;
  readonly userSinceIds: Record<string, string>;
  readonly searchSinceId?: string;
  readonly notes: string[];
}

const ID = new RegExp(schemaPattern('collection', 'id'));
const ID_MAX_LENGTH = schemaMaxLength('collection', 'id');
const KEY_NAMES = new Set(['consumer_key', 'consumer_secret', 'access_token', 'access_token_secret', 'bearer_token']);

/** True when the config holds an API key anywhere (under `keys`, `credentials`, or elsewhere): a value to warn about, never to copy. */
function holdsKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsKeys);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(
    ([name, inner]) => (KEY_NAMES.has(name) && typeof inner === 'string' && inner !== '') || holdsKeys(inner),
  );
}
const CONDITIONS = new Set(['protected', 'suspended', 'not_found']);

/**
 * Converts a v1 collection.json into a collection file and the resume points to carry over. Keys
 * (API secrets) are never copied: the file names a credentials profile instead. Imported
 * collections start suspended, to be reviewed before they harvest.
 */
/** A post id as v1 stored it (digits, as a string or a number that JSON read exactly), or undefined. */
function postId(value: unknown): string | undefined {
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  return undefined;
}

export function convertV1(config: V1Collection, source: string, profile: string): Converted {
  const notes: string[] = [];
  const originalId = typeof config.id === 'string' ? config.id : '';
  const id =
    originalId
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+/, '')
      .slice(0, ID_MAX_LENGTH)
      .replace(/-+$/, '') || 'imported';
  if (id !== originalId) notes.push(`id "${originalId}" became "${id}" (ids are lower-case letters, digits and "-")`);
  if (!ID.test(id)) throw new Error(`cannot derive a valid id from "${originalId}"`);
  const type = config.type;
  if (type !== 'user_timeline' && type !== 'search' && type !== 'filter')
    throw new Error(`unknown collection type ${JSON.stringify(type)}`);
  const doc: Record<string, unknown> = {
    id,
    type,
    description: `Imported from Twarc-Cloud v1 (${source})`,
    credentials: profile,
    state: 'suspended',
  };
  const userSinceIds: Record<string, string> = {};
  let searchSinceId: string | undefined;
  if (type === 'user_timeline') {
    const users: Record<string, { screen_name: string }> = {};
    for (const [userId, user] of Object.entries(config.users ?? {})) {
      if (!/^[1-9]\d{0,19}$/.test(userId)) {
        notes.push(`user "${userId}" skipped: not a user id`);
        continue;
      }
      users[userId] = { screen_name: typeof user?.screen_name === 'string' ? user.screen_name : `id${userId}` };
      if (typeof user?.screen_name !== 'string') notes.push(`user ${userId} had no screen_name; the first harvest records it`);
      const sinceId = postId(user?.since_id);
      if (sinceId !== undefined) userSinceIds[userId] = sinceId;
      else if (user?.since_id !== undefined && user.since_id !== null)
        notes.push(`user ${userId}'s since_id ${JSON.stringify(user.since_id)} is not a post id; not carried over`);
    }
    doc['users'] = users;
    doc['delete_users_for'] = Array.isArray(config.delete_users_for)
      ? config.delete_users_for.filter((c): c is string => typeof c === 'string' && CONDITIONS.has(c))
      : [];
  } else if (type === 'search') {
    doc['query'] = typeof config.search?.query === 'string' ? config.search.query : '';
    const max = Number(config.search?.max_records);
    if (Number.isInteger(max) && max > 0) doc['max_records'] = max;
    searchSinceId = postId(config.search?.since_id);
    if (searchSinceId === undefined && config.search?.since_id !== undefined && config.search.since_id !== null)
      notes.push(`the search's since_id ${JSON.stringify(config.search.since_id)} is not a post id; not carried over`);
    notes.push('v1 searches used the standard search API; check the query against X API v2 operators');
  } else {
    const list = (value: unknown): string[] =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    const track = list(config.filter?.track);
    const follow = list(config.filter?.follow);
    if (track.length > 0) doc['track'] = track;
    if (follow.length > 0) doc['follow'] = follow;
    const max = Number(config.filter?.max_records);
    if (Number.isInteger(max) && max > 0) doc['max_records'] = max;
    if (track.length === 0 && follow.length === 0)
      notes.push('no track or follow: add rules before activating (v1 locations have no v2 equivalent)');
  }
  const document = new Document(doc);
  document.commentBefore = ` yaml-language-server: $schema=../schemas/collection.schema.json\n Imported from ${source}. Review, then set state: active.`;
  return {
    id,
    yaml: document.toString({ flowCollectionPadding: false, lineWidth: 0 }),
    hadKeys: holdsKeys(config),
    userSinceIds,
    ...(searchSinceId !== undefined ? { searchSinceId } : {}),
    notes,
  };
}
