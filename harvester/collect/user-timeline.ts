import { writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { lookupEveryMs } from '../../platform/lookup-every.js';
import type { Page } from '../../platform/x-api/client.js';
import { TWEET_EVERYTHING, USER_EVERYTHING } from '../../platform/x-api/fields.js';
import { configOfType, type HarvestContext } from '../harvest-context.js';
import { pageLine, twarcMetadata } from '../output/twarc-line.js';
import { collectNewestFirst, timelineRange } from './newest-first.js';
import { runWorkers } from './workers.js';

type Condition = 'ok' | 'protected' | 'suspended' | 'not_found';
type UserChange = ArchiveObjects['user-changes']['changes'][number];

interface ApiUser {
  readonly id: string;
  readonly username: string;
  readonly protected?: boolean;
  readonly public_metrics?: { readonly tweet_count?: number };
}

interface ApiProblem {
  readonly value?: string;
  readonly resource_id?: string;
  readonly title?: string;
  readonly detail?: string;
}

interface Lookup {
  readonly found: Map<string, ApiUser>;
  readonly problems: Map<string, Condition>;
}

/**
 * A user_timeline harvest: look the accounts up when a look-up is due (the last one is
 * `lookup_every` old) or for accounts never looked up, 100 a request, pages kept in users.jsonl; a
 * look-up is a paid user read each, so between them an account's condition and name come from
 * state.json. Record who was renamed, protected, suspended, not found or reinstated; fetch each
 * harvestable account's new posts, several at once within the rate limit; see renames in the
 * authors X returns with the posts, and look an account up at once when its timeline is refused.
 */
export async function harvestUserTimelines(context: HarvestContext): Promise<void> {
  const { state } = context;
  const config = configOfType(context.config, 'user_timeline');
  const ids = Object.keys(config.users);
  const now = new Date();
  const lastLookup = state.start.users_looked_up_at;
  const due = lastLookup === undefined || now.getTime() - Date.parse(lastLookup) >= lookupEveryMs(config.lookup_every);
  const toLookUp = due ? ids : ids.filter((id) => state.start.users?.[id]?.condition === undefined);
  const lookedUpNow = new Set(toLookUp);
  if (!due) context.log.info('accounts not looked up: the last look-up is recent', { last: lastLookup, new_accounts: toLookUp.length });
  const lines: string[] = [];
  const lookup = await lookUpUsers(context, toLookUp, lines);
  await keepLookups(context, lines);
  if (context.stop.stopping) return;
  if (due) context.files.checkpoint(() => (state.draft.users_looked_up_at = now.toISOString()));

  const book = new UserChanges(context);
  const harvestable: string[] = [];
  for (const id of ids) {
    const condition = book.settle(id, lookedUpNow.has(id) ? lookup : undefined);
    if (book.canHarvest(condition)) harvestable.push(id);
    else context.log.info('user skipped', { user_id: id, condition });
  }
  await book.write();

  const refused: string[] = [];
  await runWorkers(harvestable, context.tuning.concurrency, context.stop, async (id) => {
    if ((await harvestTimeline(context, id, book)) === 'unavailable') refused.push(id);
  });
  await explainRefusals(
    context,
    refused.filter((id) => !lookedUpNow.has(id)),
    book,
    lines,
  );
  await book.write();
}

/** Timelines X refused between look-ups: the accounts are looked up now, to record why. */
async function explainRefusals(context: HarvestContext, ids: readonly string[], book: UserChanges, lines: string[]): Promise<void> {
  if (ids.length === 0 || context.stop.stopping) return;
  const late = await lookUpUsers(context, ids, lines);
  for (const id of ids) book.settle(id, late);
  await keepLookups(context, lines);
}

/** The look-up pages of this harvest, as users.jsonl. */
async function keepLookups(context: HarvestContext, lines: readonly string[]): Promise<void> {
  if (lines.length > 0) await context.store.put(context.keys.users, `${lines.join('\n')}\n`, { contentType: 'application/x-ndjson' });
}

/** The harvest's user_changes.json: what it learned of each account, from look-ups and from the authors of posts. */
class UserChanges {
  private readonly changes: UserChange[] = [];
  /** How many changes the stored user_changes.json holds. */
  private written = -1;
  private readonly names = new Map<string, string>();
  private readonly skipFor: ReadonlySet<string>;

  constructor(private readonly context: HarvestContext) {
    this.skipFor = new Set(configOfType(context.config, 'user_timeline').delete_users_for);
  }

  /** The account's name as last known (state, else the collection file). */
  knownName(id: string): string {
    return this.names.get(id) ?? this.context.state.start.users?.[id]?.screen_name ?? this.context.config.users?.[id]?.screen_name ?? '';
  }

  canHarvest(condition: Condition): boolean {
    return condition === 'ok' || (condition === 'protected' && !this.context.client.hasAppAuth && !this.skipFor.has('protected'));
  }

  /** Records what a look-up said of the account (or, without one, what state.json knew) and returns its condition. */
  settle(id: string, lookup: Lookup | undefined): Condition {
    const known = this.context.state.start.users?.[id];
    if (lookup === undefined) return known?.condition ?? 'ok';
    const found = lookup.found.get(id);
    const condition: Condition = found ? (found.protected === true ? 'protected' : 'ok') : (lookup.problems.get(id) ?? 'not_found');
    const action = this.canHarvest(condition) ? 'harvested' : 'skipped';
    if (found) this.renamed(id, found.username, action);
    // An account X no longer returns is named by the last name it was known by, so that a reader can tell who it was.
    const previousName = this.knownName(id);
    const lastName = found?.username ?? (previousName !== '' ? previousName : undefined);
    if (condition !== 'ok')
      this.changes.push({ user_id: id, kind: condition, ...(lastName !== undefined ? { screen_name: lastName } : {}), action });
    else if (known?.condition !== undefined && known.condition !== 'ok')
      this.changes.push({ user_id: id, kind: 'reinstated', screen_name: found?.username ?? previousName, action });
    const counted = found?.public_metrics?.tweet_count;
    const at = new Date().toISOString();
    this.context.files.checkpoint(() => {
      const entry = (this.context.state.users()[id] ??= {});
      entry.condition = condition;
      if (found) entry.screen_name = found.username;
      if (counted !== undefined) Object.assign(entry, postingRate(known, counted, at));
    });
    return condition;
  }

  /** A name seen for the account (a look-up, or the author of its posts): recorded when it changed. */
  renamed(id: string, username: string, action: UserChange['action'] = 'harvested'): void {
    const previous = this.knownName(id);
    this.names.set(id, username);
    if (previous === '' || previous.toLowerCase() === username.toLowerCase()) return;
    this.changes.push({ user_id: id, kind: 'renamed', screen_name: username, previous_screen_name: previous, action });
    this.context.files.checkpoint(() => ((this.context.state.users()[id] ??= {}).screen_name = username));
  }

  /** Stores user_changes.json, unless it already holds every change. */
  async write(): Promise<void> {
    if (this.written === this.changes.length) return;
    this.written = this.changes.length;
    await writeObject(this.context.store, this.context.keys.userChanges, 'user-changes', {
      format: 'twarc-cloud/user-changes@1',
      collection: this.context.config.id,
      harvest_id: this.context.harvestId,
      changes: [...this.changes],
    });
  }
}

/**
 * The account's post count at this look-up, and its posts a day since the one before (what the
 * plan prices its months with); a count that fell (deletions) reads as no posting.
 */
function postingRate(
  known: { readonly tweet_count?: number; readonly tweet_count_at?: string; readonly posts_per_day?: number } | undefined,
  tweetCount: number,
  at: string,
): { tweet_count: number; tweet_count_at: string; posts_per_day?: number } {
  const days = known?.tweet_count_at !== undefined ? (Date.parse(at) - Date.parse(known.tweet_count_at)) / 86_400_000 : 0;
  if (known?.tweet_count === undefined || days < 1 / 24)
    return {
      tweet_count: tweetCount,
      tweet_count_at: at,
      ...(known?.posts_per_day !== undefined ? { posts_per_day: known.posts_per_day } : {}),
    };
  const perDay = Math.max(0, tweetCount - known.tweet_count) / days;
  return { tweet_count: tweetCount, tweet_count_at: at, posts_per_day: Math.round(perDay * 100) / 100 };
}

async function lookUpUsers(context: HarvestContext, ids: readonly string[], lines: string[]): Promise<Lookup> {
  const found = new Map<string, ApiUser>();
  const problems = new Map<string, Condition>();
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
  return { found, problems };
}

/** One user's new tweets since the last stored one (see newest-first.ts for the resume rules). */
async function harvestTimeline(context: HarvestContext, userId: string, book: UserChanges): Promise<string> {
  const end = await collectNewestFirst(context, context.state.start.users?.[userId] ?? {}, {
    fetch: async (range) => {
      const query = { ...TWEET_EVERYTHING, max_results: '100', ...timelineRange(range) };
      const page = await context.client.get('users/:id/tweets', query, { pathId: userId, signal: context.stop.signal });
      noticeAuthor(page, userId, book);
      return page;
    },
    resumePoint: () => (context.state.users()[userId] ??= {}),
  });
  if (end === 'unavailable') context.log.warn('timeline not available', { user_id: userId });
  return end;
}

/** The account's own name as X gives it with its posts: a rename seen without a look-up. */
function noticeAuthor(page: Page, userId: string, book: UserChanges): void {
  const includes = page.body['includes'] as { users?: ApiUser[] } | undefined;
  const author = includes?.users?.find((u) => u.id === userId);
  if (author !== undefined && author.username !== book.knownName(userId)) book.renamed(userId, author.username);
}
