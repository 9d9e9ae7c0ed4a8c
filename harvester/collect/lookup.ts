import { collectionKeys } from '../../platform/archive/keys.js';
import { TWEET_EVERYTHING } from '../../platform/x-api/fields.js';
import { configOfType, writePage, type HarvestContext } from '../harvest-context.js';

/** X's tweet lookup takes this many ids a request. */
const BATCH = 100;

interface ApiProblem {
  readonly resource_id?: string;
  readonly value?: string;
  readonly resource_type?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly type?: string;
}

/**
 * A lookup harvest: the ids apply stored (inputs/ids-<sha256>.txt) through /2/tweets, 100 a
 * request, from where an interrupted harvest stopped (state.json's `lookup`); without `refresh`,
 * only ids the last list hydrated whole did not hold. Pages are stored as X sent them; the ids X
 * would not serve go to the harvest's unavailable.jsonl, each with X's reason.
 */
export async function harvestLookup(context: HarvestContext): Promise<void> {
  const config = configOfType(context.config, 'lookup');
  const { state } = context;
  const sha = config.ids.sha256;
  const before = state.start.lookup;
  const of = config.refresh ? undefined : before?.sha256 === sha ? before.of : before?.done_sha256;
  if (!config.refresh && of === sha) {
    context.log.info('every id of the list was hydrated before; set refresh to read them again', { ids: config.ids.count });
    return;
  }
  const skip = of === undefined ? new Set<string>() : new Set(await readIds(context, config.id, of));
  const todo = (await readIds(context, config.id, sha)).filter((id) => !skip.has(id));
  let next = before?.sha256 === sha && before.of === of ? (before.next ?? 0) : 0;
  context.log.info('ids to hydrate', { ids: todo.length, from: next, left_out_as_hydrated_before: skip.size });
  const unavailable: string[] = [];
  for (; next < todo.length && !context.stop.stopping; next += BATCH) {
    const batch = todo.slice(next, next + BATCH);
    const page = await context.client.get('tweets', { ...TWEET_EVERYTHING, ids: batch.join(',') }, { signal: context.stop.signal });
    const reached = next + batch.length;
    const progress = (): void => {
      state.draft.lookup = { sha256: sha, ...(of !== undefined ? { of } : {}), next: reached, ...doneOf(state.draft.lookup) };
    };
    const data = (page.body['data'] ?? []) as unknown[];
    if (data.length > 0) await writePage(context, page, data.length, progress);
    else context.files.checkpoint(progress);
    const problems = ((page.body['errors'] ?? []) as ApiProblem[]).filter((p) => p.resource_type === 'tweet');
    if (problems.length > 0) {
      unavailable.push(...problems.map((p) => JSON.stringify(unavailableLine(p))));
      await context.store.put(context.keys.unavailable, `${unavailable.join('\n')}\n`, { contentType: 'application/x-ndjson' });
    }
  }
  if (context.stop.stopping) return;
  context.files.checkpoint(() => (state.draft.lookup = { done_sha256: sha, done_count: config.ids.count }));
  if (unavailable.length > 0) context.log.info('ids X would not serve, recorded in unavailable.jsonl', { ids: unavailable.length });
}

const doneOf = (lookup: { done_sha256?: string; done_count?: number } | undefined): { done_sha256?: string; done_count?: number } => ({
  ...(lookup?.done_sha256 !== undefined ? { done_sha256: lookup.done_sha256 } : {}),
  ...(lookup?.done_count !== undefined ? { done_count: lookup.done_count } : {}),
});

/**
 * X's reason, as its tweet lookup gives one: not found (deleted, or never there), or not
 * authorized (a protected or a suspended author: X's answer does not tell them apart).
 */
function unavailableLine(problem: ApiProblem): Record<string, string> {
  const reason = /not-authorized/.test(problem.type ?? '')
    ? 'not_authorized'
    : /not-found/.test(problem.type ?? '')
      ? 'not_found'
      : 'other';
  return {
    id: problem.resource_id ?? problem.value ?? '',
    reason,
    ...(problem.title !== undefined ? { title: problem.title } : {}),
    ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
  };
}

async function readIds(context: HarvestContext, collectionId: string, sha: string): Promise<string[]> {
  const found = await context.store.get(collectionKeys(collectionId).input(`ids-${sha}.txt`));
  if (!found)
    throw new Error(`the ids of ${collectionId} (inputs/ids-${sha}.txt) are not in the archive: apply stores them before the config`);
  return found.body.toString('utf8').split('\n').filter(Boolean);
}
