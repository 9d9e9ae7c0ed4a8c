/*
 * The edge of the plan's volume estimate: the credentials of each profile the collections use, and
 * X's recent counts for their queries. Estimating is advice, never a reason for a plan to fail: a
 * profile without credentials here (a pull request's plan job has none), an access level without
 * counts, or an X that does not answer in time leaves a note in place of a number.
 */

import { MONTHLY_POST_CAP } from '../../platform/x-api/access-levels.js';
import { XApiClient } from '../../platform/x-api/client.js';
import { appClient } from '../../platform/x-api/app-client.js';
import { recentPostCount } from '../../platform/x-api/usage.js';
import type { DesiredCollection, Plan } from '../plan/model.js';
import type { Settings } from '../settings/settings.js';
import { volumeQueries, volumeReport, type VolumeReport } from './volume.js';

/** Counting more collections than this in one plan would eat the counts endpoint's rate limit (300 per 15 minutes). */
const MOST_COUNTED = 50;
const ANSWER_WITHIN_MS = 20_000;

export type VolumeEstimate = VolumeReport | { readonly skipped: string };

/** The estimate a plan shows, or undefined when the plan adds or changes no search or filter collection. */
export async function estimateVolume(
  desired: readonly DesiredCollection[],
  plan: Pick<Plan, 'actions'>,
  settings: Pick<Settings, 'accessLevel' | 'limits'>,
  env: NodeJS.ProcessEnv,
): Promise<VolumeEstimate | undefined> {
  const queries = volumeQueries(desired, plan, settings.limits.recentSearchQueryLength, Date.now());
  if (queries.length === 0) return undefined;
  const clients = new Map<string, XApiClient | { reason: string }>();
  for (const profile of new Set(queries.map((q) => q.profile))) clients.set(profile, await clientFor(profile, env));
  const usable = [...clients.values()].filter((c) => c instanceof XApiClient);
  if (usable.length === 0) {
    const [reason] = [...clients.values()].map((c) => (c instanceof XApiClient ? '' : c.reason));
    return { skipped: `no X API credentials to count with here (${reason ?? 'none'}); estimates are shown where credentials are` };
  }
  const weekly = new Map<string, number | { reason: string }>();
  let counted = 0;
  for (const query of queries) {
    const client = clients.get(query.profile);
    if (query.uncountable !== undefined || client === undefined) continue;
    if (!(client instanceof XApiClient)) {
      weekly.set(query.id, client);
      continue;
    }
    if (counted >= MOST_COUNTED) {
      weekly.set(query.id, { reason: `not counted: a plan counts at most ${MOST_COUNTED} collections` });
      continue;
    }
    counted++;
    weekly.set(query.id, await countAll(client, query.queries));
  }
  return volumeReport(queries, weekly, { accessLevel: settings.accessLevel, posts: MONTHLY_POST_CAP[settings.accessLevel] });
}

async function clientFor(profile: string, env: NodeJS.ProcessEnv): Promise<XApiClient | { reason: string }> {
  const client = await appClient(profile, env);
  if (client === 'no-credentials') return { reason: `no credentials for profile "${profile}"` };
  if (client === 'no-bearer-token') return { reason: `profile "${profile}" has no bearer token, which counts need` };
  return client;
}

async function countAll(client: XApiClient, queries: readonly string[]): Promise<number | { reason: string }> {
  let total = 0;
  try {
    for (const query of queries) total += await recentPostCount(client, query, AbortSignal.timeout(ANSWER_WITHIN_MS));
    return total;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `not counted: ${detail ?? 'X did not answer'}` };
  }
}
