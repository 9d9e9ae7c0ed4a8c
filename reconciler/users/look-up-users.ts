import type { XApiClient } from '../../platform/x-api/client.js';
import type { NewUser } from './add-users.js';

export interface LookupResult {
  readonly found: NewUser[];
  /** Looked-up names or ids that cannot be harvested, with why. */
  readonly problems: Array<{ readonly value: string; readonly reason: 'not found' | 'suspended' | 'protected' }>;
}

/** Looks accounts up by screen name or id, 100 a request, as X allows. Protected accounts are found and reported. */
export async function lookUpUsers(client: XApiClient, values: readonly string[], by: 'usernames' | 'ids'): Promise<LookupResult> {
  const found: NewUser[] = [];
  const problems: LookupResult['problems'][number][] = [];
  for (let start = 0; start < values.length; start += 100) {
    const batch = values.slice(start, start + 100);
    const page = await client.get(by === 'usernames' ? 'users/by' : 'users', { [by]: batch.join(','), 'user.fields': 'protected' });
    for (const user of (page.body['data'] ?? []) as Array<{ id: string; username: string; protected?: boolean }>) {
      found.push({ id: user.id, screenName: user.username });
      if (user.protected === true) problems.push({ value: user.username, reason: 'protected' });
    }
    for (const error of (page.body['errors'] ?? []) as Array<{ value?: string; detail?: string }>) {
      problems.push({ value: error.value ?? '?', reason: /suspended/i.test(error.detail ?? '') ? 'suspended' : 'not found' });
    }
  }
  return { found, problems };
}
