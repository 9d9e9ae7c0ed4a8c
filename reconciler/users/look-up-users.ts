import type { XApiClient } from '../../platform/x-api/client.js';
import type { NewUser } from './add-users.js';

interface ApiUser {
  readonly id: string;
  readonly username: string;
  readonly protected?: boolean;
  readonly created_at?: string;
  readonly public_metrics?: { readonly tweet_count?: number };
}

/** What the plan's cost estimate needs of an account, from the look-up just paid for: its post count and rate. */
function lookedUp(user: ApiUser, now: Date): Pick<NewUser, 'lookedUp'> {
  const tweetCount = user.public_metrics?.tweet_count;
  if (typeof tweetCount !== 'number') return {};
  const days = user.created_at !== undefined ? (now.getTime() - Date.parse(user.created_at)) / 86_400_000 : Number.NaN;
  const perDay = Number.isFinite(days) && days >= 1 ? Math.round((tweetCount / days) * 100) / 100 : undefined;
  return {
    lookedUp: { on: now.toISOString().slice(0, 10), tweet_count: tweetCount, ...(perDay !== undefined ? { posts_per_day: perDay } : {}) },
  };
}

export interface LookupResult {
  readonly found: NewUser[];
  /** Looked-up names or ids that cannot be harvested, with why. */
  readonly problems: Array<{ readonly value: string; readonly reason: 'not found' | 'suspended' | 'protected' }>;
}

/** Looks accounts up by screen name or id, 100 a request, as X allows. Protected accounts are found and reported. */
export async function lookUpUsers(
  client: XApiClient,
  values: readonly string[],
  by: 'usernames' | 'ids',
  now = new Date(),
): Promise<LookupResult> {
  const found: NewUser[] = [];
  const problems: LookupResult['problems'][number][] = [];
  for (let start = 0; start < values.length; start += 100) {
    const batch = values.slice(start, start + 100);
    const page = await client.get(by === 'usernames' ? 'users/by' : 'users', {
      [by]: batch.join(','),
      'user.fields': 'protected,public_metrics,created_at',
    });
    for (const user of (page.body['data'] ?? []) as ApiUser[]) {
      found.push({ id: user.id, screenName: user.username, ...lookedUp(user, now) });
      if (user.protected === true) problems.push({ value: user.username, reason: 'protected' });
    }
    for (const error of (page.body['errors'] ?? []) as Array<{ value?: string; detail?: string }>) {
      problems.push({ value: error.value ?? '?', reason: /suspended/i.test(error.detail ?? '') ? 'suspended' : 'not found' });
    }
  }
  return { found, problems };
}
