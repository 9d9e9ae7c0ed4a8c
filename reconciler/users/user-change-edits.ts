import { isMap, isScalar, parseDocument } from 'yaml';
import type { ArchiveObjects } from '../../platform/archive/objects.js';

type UserChange = ArchiveObjects['user-changes']['changes'][number];

export interface UserChangeEdit {
  readonly userId: string;
  readonly kind: 'renamed' | 'removed';
  readonly detail: string;
}

/**
 * Applies what a harvest learned about a timeline collection's accounts to its YAML file: renamed
 * accounts get their new screen_name, and accounts in a condition that `delete_users_for` names are
 * removed. Uses the yaml document API, so comments, order and formatting of everything else stay.
 */
export function applyUserChanges(
  text: string,
  changes: readonly UserChange[],
  deleteFor: readonly string[],
): { text: string; edits: UserChangeEdit[] } {
  const document = parseDocument(text, { keepSourceTokens: true });
  const users = document.get('users');
  if (!isMap(users)) return { text, edits: [] };
  const edits: UserChangeEdit[] = [];
  for (const change of changes) {
    if (!users.has(change.user_id)) continue;
    if (deleteFor.includes(change.kind)) {
      users.delete(change.user_id);
      edits.push({ userId: change.user_id, kind: 'removed', detail: change.kind });
    } else if (change.kind === 'renamed' && change.screen_name !== undefined) {
      const entry = users.get(change.user_id);
      const name = isMap(entry) ? entry.get('screen_name', true) : undefined;
      if (isScalar(name) && name.value !== change.screen_name) {
        // Change the scalar in place: its quoting style and trailing comment stay.
        name.value = change.screen_name;
        edits.push({ userId: change.user_id, kind: 'renamed', detail: `${change.previous_screen_name ?? '?'} -> ${change.screen_name}` });
      }
    }
  }
  return { text: edits.length > 0 ? document.toString({ flowCollectionPadding: false, lineWidth: 0 }) : text, edits };
}
