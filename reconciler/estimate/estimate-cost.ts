/*
 * The edge of the plan's cost estimate: X's recent counts of the search and filter collections'
 * queries, each asked at most once a UTC day (the answer is kept in the archive with its day, and a
 * count costs as much as a post), and the settings that price them. Estimating is advice, never a
 * reason for a plan to fail: a profile without credentials here (a pull request's plan job has
 * none, by design), or an X that does not answer in time, leaves a note in place of a figure, and
 * timelines are priced from the collection files alone.
 */

import { billingDay } from '../../platform/billing/cost-model.js';
import { PRICES_AS_OF } from '../../platform/billing/prices.js';
import { POST_COUNTS_KEY } from '../../platform/archive/keys.js';
import { readObject, writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { XApiClient } from '../../platform/x-api/client.js';
import { appClient } from '../../platform/x-api/app-client.js';
import { recentPostCount } from '../../platform/x-api/usage.js';
import type { DesiredCollection, Plan } from '../plan/model.js';
import { runsPerMonth } from '../schedule/next-fire.js';
import type { Settings } from '../settings/settings.js';
import { costChanges, costEstimate, type CostEstimate } from './cost.js';
import { volumeQueries } from './volume.js';

/** Counting more queries than this in one plan would eat the counts endpoint's rate limit (300 per 15 minutes). */
const MOST_COUNTED = 50;
const ANSWER_WITHIN_MS = 20_000;

type Counts = ArchiveObjects['post-counts']['counts'];

/** The plan's cost estimate, or undefined when the plan adds, resumes or changes nothing that costs. */
export async function estimateCost(
  desired: readonly DesiredCollection[],
  plan: Pick<Plan, 'actions'>,
  settings: Pick<Settings, 'accessLevel' | 'limits' | 'prices' | 'monthlyPostCap' | 'monthlyBudgetUsd'>,
  store: ArchiveStore,
  env: NodeJS.ProcessEnv,
  now = new Date(),
): Promise<CostEstimate | undefined> {
  const changed = costChanges(plan);
  if (changed.size === 0) return undefined;
  const today = billingDay(now);
  const cached = await readCounts(store);
  const fresh: Counts = {};
  const clients = new Map<string, Promise<XApiClient | { reason: string }>>();
  const weekly = new Map<string, number | { reason: string }>();
  let requests = 0;
  for (const query of volumeQueries(desired, settings.limits.recentSearchQueryLength)) {
    if (query.uncountable !== undefined) {
      weekly.set(query.id, { reason: query.uncountable });
      continue;
    }
    let total = 0;
    for (const text of query.queries) {
      const known = cached[text] ?? fresh[text];
      if (known?.day === today) {
        total += known.posts_7_days;
        continue;
      }
      if (requests >= MOST_COUNTED) {
        total = Number.NaN;
        weekly.set(query.id, { reason: `not counted: a plan counts at most ${MOST_COUNTED} queries a day` });
        break;
      }
      const client = await (clients.get(query.profile) ?? clients.set(query.profile, clientFor(query.profile, env)).get(query.profile));
      if (!(client instanceof XApiClient)) {
        total = Number.NaN;
        weekly.set(query.id, client ?? { reason: 'no client' });
        break;
      }
      const counted = await countOnce(client, text);
      requests += 1;
      if (typeof counted !== 'number') {
        total = Number.NaN;
        weekly.set(query.id, counted);
        break;
      }
      fresh[text] = { day: today, posts_7_days: counted };
      total += counted;
    }
    if (!Number.isNaN(total)) weekly.set(query.id, total);
  }
  if (Object.keys(fresh).length > 0) await keepCounts(store, { ...currentOnly(cached, today), ...fresh });
  return costEstimate({
    desired,
    changed,
    weekly,
    countsRequests: requests,
    runsPerMonth,
    settings: {
      accessLevel: settings.accessLevel,
      prices: settings.prices,
      pricesAsOf: PRICES_AS_OF,
      postCap: settings.monthlyPostCap,
      ...(settings.monthlyBudgetUsd !== undefined ? { budgetUsd: settings.monthlyBudgetUsd } : {}),
    },
  });
}

async function readCounts(store: ArchiveStore): Promise<Counts> {
  try {
    return (await readObject(store, POST_COUNTS_KEY, 'post-counts'))?.value.counts ?? {};
  } catch {
    return {}; // a cache that cannot be read costs a count, nothing more
  }
}

/** Keeps today's counts; a store that refuses the write (a read-only plan role) costs a count tomorrow, nothing more. */
async function keepCounts(store: ArchiveStore, counts: Counts): Promise<void> {
  try {
    await writeObject(store, POST_COUNTS_KEY, 'post-counts', { format: 'twarc-cloud/post-counts@1', counts });
  } catch {
    // left as it was
  }
}

function currentOnly(counts: Counts, today: string): Counts {
  return Object.fromEntries(Object.entries(counts).filter(([, count]) => count.day === today));
}

async function clientFor(profile: string, env: NodeJS.ProcessEnv): Promise<XApiClient | { reason: string }> {
  const client = await appClient(profile, env);
  if (client === 'no-credentials') return { reason: `not counted: no X API credentials for profile "${profile}" here` };
  if (client === 'no-bearer-token') return { reason: `not counted: profile "${profile}" has no bearer token, which counts need` };
  return client;
}

async function countOnce(client: XApiClient, query: string): Promise<number | { reason: string }> {
  try {
    return await recentPostCount(client, query, AbortSignal.timeout(ANSWER_WITHIN_MS));
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `not counted: ${detail ?? 'X did not answer'}` };
  }
}
