import type { TrackedUser } from '../desired/collection.js';

/** A kind's accounts as its harvests run with them: what users add learned of each prices plans, and is no part of it. */
export function renderAccounts(users: Readonly<Record<string, TrackedUser>>): Record<string, { screen_name: string; note?: string }> {
  return Object.fromEntries(Object.entries(users).map(([id, { looked_up: _facts, ...user }]) => [id, { ...user }]));
}
