import { writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { TWEET_EVERYTHING, USER_EVERYTHING } from '../../platform/x-api/endpoints.js';
import { pageLine, twarcMetadata } from '../output/twarc-line.js';
import { writePage, type HarvestContext } from '../harvest-context.js';
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
    if (condition !== 'ok') changes.push({ user_id: id, kind: condition, ...(found ? { screen_name: found.username } : {}), action });
    else if (known?.condition !== undefined && known.condition !== 'ok') changes.push({ user_id: id, kind: 'reinstated', screen_name: found?.username ?? previousName, action });
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

async function lookUpUsers(context: HarvestContext, ids: readonly string[]): Promise<{ found: Map<string, ApiUser>; problems: Map<string, Condition> }> {
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

/**
 * One user's new tweets, newest first, from the last stored tweet (since_id). While paging, the
 * oldest stored tweet (until_id) and the newest of the pass (pending_since_id) are checkpointed
 * with the data, so an interrupted pass resumes below what is stored, with no gap; since_id moves
 * only when the pass reaches the end.
 */
async function harvestTimeline(context: HarvestContext, userId: string): Promise<void> {
  const start = context.state.start.users?.[userId] ?? {};
  const sinceId = start.since_id;
  let pending = start.pending_since_id;
  let token: string | undefined;
  for (;;) {
    if (context.stop.stopping) return;
    const query: Record<string, string> = { ...TWEET_EVERYTHING, max_results: '100' };
    if (sinceId !== undefined) query['since_id'] = sinceId;
    if (token !== undefined) query['pagination_token'] = token;
    else if (start.until_id !== undefined) query['until_id'] = start.until_id;
    const page = await context.client.get('users/:id/tweets', query, { userId, signal: context.stop.signal });
    const data = page.body['data'] as unknown[] | undefined;
    const meta = (page.body['meta'] ?? {}) as { newest_id?: string; oldest_id?: string; next_token?: string };
    if (!data || data.length === 0) {
      const problem = (page.body['errors'] as ApiProblem[] | undefined)?.[0];
      if (problem) {
        context.log.warn('timeline not available', { user_id: userId, detail: problem.detail ?? problem.title });
        return;
      }
      break;
    }
    pending ??= meta.newest_id;
    const newest = pending;
    const oldest = meta.oldest_id;
    await writePage(context, page, data.length, () => {
      const entry = (context.state.users()[userId] ??= {});
      if (newest !== undefined) entry.pending_since_id = newest;
      if (oldest !== undefined) entry.until_id = oldest;
    });
    token = meta.next_token;
    if (token === undefined) break;
  }
  const newest = pending;
  context.files.checkpoint(() => {
    const entry = (context.state.users()[userId] ??= {});
    if (newest !== undefined) entry.since_id = newest;
    delete entry.pending_since_id;
    delete entry.until_id;
  });
}
