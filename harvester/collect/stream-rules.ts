/*
 * The stream rules of a collection carry its id as their tag (`<id>` or `<id>:<rule tag>`), so
 * that a harvester adds and deletes only its own rules and never touches others on the same app.
 */

import { configOfType, type HarvestContext } from '../harvest-context.js';
import { recordError } from '../harvest-context.js';

interface ApiRule {
  readonly id: string;
  readonly value: string;
  readonly tag?: string;
}

export function ruleTag(collectionId: string, tag: string | undefined): string {
  return tag === undefined || tag === '' ? collectionId : `${collectionId}:${tag}`;
}

export function ownsTag(collectionId: string, tag: string | undefined): boolean {
  return tag === collectionId || (tag?.startsWith(`${collectionId}:`) ?? false);
}

/** Makes the app's rules carrying this collection's tags equal its configured rules; returns their ids. */
export async function syncRules(context: HarvestContext): Promise<Set<string>> {
  const { client, stop } = context;
  const config = configOfType(context.config, 'filter');
  const listed = await client.get('tweets/search/stream/rules', {}, { signal: stop.signal });
  const current = ((listed.body['data'] ?? []) as ApiRule[]).filter((r) => ownsTag(config.id, r.tag));
  const wanted = config.rules.map((r) => ({ value: r.value, tag: ruleTag(config.id, r.tag) }));
  const same = (a: { value: string; tag?: string }, b: { value: string; tag?: string }): boolean => a.value === b.value && a.tag === b.tag;
  const stale = current.filter((r) => !wanted.some((w) => same(w, r)));
  const missing = wanted.filter((w) => !current.some((r) => same(w, r)));
  if (stale.length > 0) {
    await client.post('tweets/search/stream/rules', { delete: { ids: stale.map((r) => r.id) } }, { signal: stop.signal });
    context.log.info('stream rules deleted', { rules: stale.map((r) => ({ value: r.value, tag: r.tag })) });
  }
  const ids = new Set(current.filter((r) => !stale.includes(r)).map((r) => r.id));
  if (missing.length > 0) {
    const added = await client.post('tweets/search/stream/rules', { add: missing }, { signal: stop.signal });
    for (const rule of (added.body['data'] ?? []) as ApiRule[]) ids.add(rule.id);
    for (const problem of (added.body['errors'] ?? []) as Array<{ value?: string; title?: string }>) {
      const message = `stream rule not added: ${problem.title ?? 'refused'}: ${problem.value ?? ''} (a rule with this value exists on the app under another tag)`;
      recordError(context.stats, message, 'tweets/search/stream/rules');
      context.log.warn(message);
    }
    context.log.info('stream rules added', { rules: missing });
  }
  return ids;
}
