import { isMap, isScalar, parseDocument } from 'yaml';
import type { LookedUp } from '../desired/collection.js';

export interface NewUser {
  readonly id: string;
  readonly screenName: string;
  /** What the look-up said of the account, kept for the plan's cost estimate. */
  readonly lookedUp?: LookedUp;
}

/** An account's lines under `users`, at `indent`, its id quoted with `quote`. */
function entryLines(user: NewUser, indent: string, quote: string): string {
  const facts = user.lookedUp;
  const lookedUp = facts
    ? `${indent}  looked_up: { on: ${facts.on}, tweet_count: ${facts.tweet_count}${facts.posts_per_day !== undefined ? `, posts_per_day: ${facts.posts_per_day}` : ''} }\n`
    : '';
  return `${indent}${quote}${user.id}${quote}:\n${indent}  screen_name: ${user.screenName}\n${lookedUp}`;
}

/**
 * Adds accounts to a collection file's `users` map by inserting lines after its last entry, with
 * the indentation and quoting the file already uses, so that every existing line stays byte for
 * byte what it was (re-serialising the document would reformat it). Ids already present are skipped.
 */
export function addUsersToYaml(text: string, users: readonly NewUser[]): { text: string; added: NewUser[] } {
  // Nothing to add leaves the file as it is: `users: {}` emptied of its braces would read as null.
  if (users.length === 0) return { text, added: [] };
  const document = parseDocument(text);
  const map = document.get('users', true);
  if (isMap(map) && map.flow === true && map.items.length === 0 && map.range) {
    // `users: {}` (a new collection's template): that one node becomes a block map.
    const lines = users.map((u) => `\n${entryLines(u, '  ', '"').trimEnd()}`).join('');
    return { text: `${text.slice(0, map.range[0]).trimEnd()}${lines}${text.slice(map.range[1])}`, added: [...users] };
  }
  if (!isMap(map) || map.flow === true || map.items.length === 0 || !map.range) {
    throw new Error('users must be a block map to add accounts to it');
  }
  const present = new Set(map.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '')));
  const added = users.filter((u) => !present.has(u.id));
  if (added.length === 0) return { text, added };
  const firstKey = map.items[0]?.key;
  const keyStart = isScalar(firstKey) && firstKey.range ? firstKey.range[0] : map.range[0];
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const indent = text.slice(lineStart, keyStart);
  const quote = isScalar(firstKey) && firstKey.type === 'QUOTE_SINGLE' ? "'" : isScalar(firstKey) && firstKey.type === 'PLAIN' ? '' : '"';
  // The map ends where its last value ends; insert after that line (and its comment, if any).
  const end = map.range[1];
  const insertAt = text.indexOf('\n', end - 1) === -1 ? text.length : text.indexOf('\n', end - 1) + 1;
  const needsNewline = insertAt === text.length && !text.endsWith('\n');
  const lines = added.map((u) => entryLines(u, indent, quote)).join('');
  return { text: `${text.slice(0, insertAt)}${needsNewline ? '\n' : ''}${lines}${text.slice(insertAt)}`, added };
}
