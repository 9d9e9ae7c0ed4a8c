/** Rendered collection bodies for plan specifications: the defaults a collection file gets, with what a case changes. */
import type { DesiredCollection } from '../../../reconciler/plan/model.js';
import { bodyHash, type ConfigBody } from '../../../reconciler/plan/render-config.js';

const COMMON = { credentials: 'default', output: { tweets_per_file: 250000, rotate_minutes: 30 }, labels: {} } as const;

export function searchBody(id: string, overrides: Partial<ConfigBody> = {}): ConfigBody {
  return { id, type: 'search', ...COMMON, query: 'climate', archive: false, schedule: 'rate(1 hour)', ...overrides };
}

export function filterBody(id: string, overrides: Partial<ConfigBody> = {}): ConfigBody {
  return { id, type: 'filter', ...COMMON, rules: [{ value: 'climate' }], track: [], follow: [], ...overrides };
}

/** A user_timeline collection of `users` accounts. */
export function timelineBody(id: string, users: number, overrides: Partial<ConfigBody> = {}): ConfigBody {
  const accounts = Object.fromEntries(Array.from({ length: users }, (_, i) => [String(1_000_000 + i), { screen_name: `u${i}` }]));
  return { id, type: 'user_timeline', ...COMMON, schedule: 'rate(1 day)', users: accounts, delete_users_for: [], ...overrides };
}

export function desired(body: ConfigBody, state: 'active' | 'suspended' = 'active'): DesiredCollection {
  return { id: body.id, state, body, hash: bodyHash(body) };
}
