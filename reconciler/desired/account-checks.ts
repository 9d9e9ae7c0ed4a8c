/* The checks of a kind that lists accounts by user id (user_timeline, mentions): some to harvest, each once. */

import { DEFAULT_STATE, type CollectionDocument, type TrackedUser } from './collection-fields.js';
import type { KindCheck } from './desired-kind.js';

export function checkAccounts(doc: CollectionDocument, users: Readonly<Record<string, TrackedUser>>, { source, report }: KindCheck): void {
  // File order, not object order (which sorts numeric keys), so "listed twice" names the later line.
  const ids = source.keysAt('/users');
  if (ids.length === 0 && (doc.state ?? DEFAULT_STATE) === 'active') {
    report('/users', 'users/empty', `an active ${doc.type} collection needs at least one user; add users or set state: suspended`);
  }
  const byName = new Map<string, string>();
  for (const id of ids) {
    const name = users[id]?.screen_name.toLowerCase();
    if (name === undefined) continue;
    const other = byName.get(name);
    if (other === undefined) {
      byName.set(name, id);
    } else {
      report(
        `/users/${id}/screen_name`,
        'users/duplicate',
        `screen name "${users[id]?.screen_name}" is listed twice: for user ${other} and for user ${id}`,
      );
    }
  }
}
