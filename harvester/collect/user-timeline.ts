import { writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { TWEET_EVERYTHING, USER_EVERYTHING } from '../../platform/x-api/fields.js';
import { pageLine, twarcMetadata } from '../output/twarc-line.js';
import type { HarvestContext } from '../harvest-context.js';
import { collectNewestFirst } from './newest-first.js';
import { runWorkers } from './workers.js';

type Condition = 'ok' | 'protected' | 'suspended' | 'not_found';
type UserChange = ArchiveObjects['user-changes']['changes'][number];

interface ApiUser {
  readonly id: string;
  readonly username: string;
  readonly protected?: boolean;
}

interface ApiProblem {
  readonly value?: string;
  readonly resource_id?: string;
  readonly title?: string;
  readonly detail?: string;
}

/**
 * A user_timeline harvest: look the users up (100 per request, pages kept in users.jsonl),
 * record who was renamed, protected, suspended, not found or reinstated, then fetch each
 * harvestable user's new tweets, several users at once within the rate limit.
 */
export async function harvestUserTimelines(context: HarvestContext): Promise<void> {
  const { config, state } = context;
  const users = config.users ?? {};
  const ids = Object.keys(users);
  const lookup = await lookUpUsers(context, ids);
  if (context.stop.stopping) return;

  const changes: UserChange[] = [];
  const harvestable: string[] = [];
  const skipFor = new Set(config.delete_users_for ?? []);
  for (const id of ids) {
    const known = state.start.users?.[id];
    const found = lookup.found.get(id);
    const condition: Condition = found ? (found.protected === true ? 'protected' : 'ok') : (lookup.problems.get(id) ?? 'not_found');
    const previousName = known?.screen_name ?? users[id]?.screen_name ?? '';
    const canHarvest = condition === 'ok' || (condition === 'protected' && !context.client.hasAppAuth && !skipFor.has('protected'));
    const action = canHarvest ? 'harvested' : 'skipped';
    if (found && previousName !== '' && found.username.toLowerCase() !== previousName.toLowerCase()) {
      changes.push({ user_id: id, kind: 'renamed', screen_name: found.username, previous_screen_name: previousName, action });
    }
    // An account X no longer returns is named by the last name it was known by, so that a reader can tell who it was.
    const lastName = found?.username ?? (previousName !== '' ? previousName : undefined);
    if (condition !== 'ok')
      changes.push({ user_id: id, kind: condition, ...(lastName !== undefined ? { screen_name: lastName } : {}), action });
    else if (known?.condition !== undefined && known.condition !== 'ok')
      changes.push({ user_id: id, kind: 'reinstated', screen_name: found?.username ?? previousName, action });
    const screenName = found?.username;
    context.files.checkpoint(() => {
      const entry = (state.users()[id] ??= {});
      entry.condition = condition;
      if (screenName !== undefined) entry.screen_name = screenName;
    });
    if (canHarvest) harvestable.push(id);
    else context.log.info('user skipped', { user_id: id, condition });
  }
  await writeObject(context.store, context.keys.userChanges, 'user-changes', {
    format: 'twarc-cloud/user-changes@1',
    collection: config.id,
    harvest_id: context.harvestId,
    changes,
  });

  await runWorkers(harvestable, context.tuning.concurrency, context.stop, (id) => harvestTimeline(context, id));
}

async function lookUpUsers(
  context: HarvestContext,
  ids: readonly string[],
): Promise<{ found: Map<string, ApiUser>; problems: Map<string, Condition> }> {
  const found = new Map<string, ApiUser>();
  const problems = new Map<string, Condition>();
  const lines: string[] = [];
  for (let start = 0; start < ids.length && !context.stop.stopping; start += 100) {
    const batch = ids.slice(start, start + 100);
    const page = await context.client.get('users', { ids: batch.join(','), ...USER_EVERYTHING }, { signal: context.stop.signal });
    lines.push(pageLine(page.body, twarcMetadata(page.url, new Date())));
    for (const user of (page.body['data'] ?? []) as ApiUser[]) found.set(user.id, user);
    for (const problem of (page.body['errors'] ?? []) as ApiProblem[]) {
      const id = problem.resource_id ?? problem.value;
      if (id !== undefined) problems.set(id, /suspended/i.test(problem.detail ?? '') ? 'suspended' : 'not_found');
    }
  }
  if (lines.length > 0) await context.store.put(context.keys.users, `${lines.join('\n')}\n`, { contentType: 'application/x-ndjson' });
  return { found, problems };
}

/** One user's new tweets since the last stored one (see newest-first.ts for the resume rules). */
async function harvestTimeline(context: HarvestContext, userId: string): Promise<void> {
  const end = await collectNewestFirst(context, context.state.start.users?.[userId] ?? {}, {
    fetch: (range) => {
      const query: Record<string, string> = { ...TWEET_EVERYTHING, max_results: '100' };
      if (range.sinceId !== undefined) query['since_id'] = range.sinceId;
      if (range.token !== undefined) query['pagination_token'] = range.token;
      if (range.untilId !== undefined) query['until_id'] = range.untilId;
      return context.client.get('users/:id/tweets', query, { pathId: userId, signal: context.stop.signal });
    },
    resumePoint: () => (context.state.users()[userId] ??= {}),
  });
  if (end === 'unavailable') context.log.warn('timeline not available', { user_id: userId });
}
