/*
 * The rules of a stream group on X: one set per app, changed while the connection stays open.
 * Each rule is tagged with the collection that added it (`<id>` or `<id>:<rule tag>`), so that a
 * group deletes only rules of its deployment's collections and never others on the app; X refuses a second rule
 * with the same value, so collections wanting one value share its rule, and messages are routed
 * by the value each rule id stands for. New rules are added before stale ones are deleted, so an
 * edit never leaves a moment without either; a rule is deleted only when no member wants its value.
 */

import type { XApiClient } from '../../platform/x-api/client.js';

interface ApiRule {
  readonly id: string;
  readonly value: string;
  readonly tag?: string;
}

export interface WantedRule {
  readonly value: string;
  readonly tag?: string;
}

export interface RuleSync {
  /** Rule id to the collections whose rules it stands for. */
  readonly routes: ReadonlyMap<string, readonly string[]>;
  readonly added: readonly string[];
  readonly deleted: readonly string[];
  /** Rules X would not add, said as a person reads them. */
  readonly problems: readonly string[];
}

/** The tag a collection's rule carries on X: its id, then the rule's own tag if it has one. */
export function ruleTag(collectionId: string, tag: string | undefined): string {
  return tag === undefined || tag === '' ? collectionId : `${collectionId}:${tag}`;
}

/** The collection a rule's tag names (`<id>` or `<id>:<tag>`). */
export function tagOwner(tag: string | undefined): string | undefined {
  if (tag === undefined || tag === '') return undefined;
  const colon = tag.indexOf(':');
  return colon === -1 ? tag : tag.slice(0, colon);
}

/**
 * Makes the app's rules serve `wanted` (collection id to its rules): adds what is missing, then
 * deletes rules tagged by a collection `ours` says is this deployment's whose value nobody wants.
 */
export async function syncGroupRules(
  client: XApiClient,
  wanted: ReadonlyMap<string, readonly WantedRule[]>,
  ours: (collectionId: string) => boolean,
  signal: AbortSignal,
): Promise<RuleSync> {
  const listed = await client.get('tweets/search/stream/rules', {}, { signal });
  const current = (listed.body['data'] ?? []) as ApiRule[];
  const idOfValue = new Map(current.map((rule) => [rule.value, rule.id]));
  const toAdd = new Map<string, { value: string; tag: string }>();
  for (const [collectionId, rules] of wanted) {
    for (const rule of rules) {
      if (!idOfValue.has(rule.value) && !toAdd.has(rule.value))
        toAdd.set(rule.value, { value: rule.value, tag: ruleTag(collectionId, rule.tag) });
    }
  }
  const problems: string[] = [];
  if (toAdd.size > 0) {
    const added = await client.post('tweets/search/stream/rules', { add: [...toAdd.values()] }, { signal });
    for (const rule of (added.body['data'] ?? []) as ApiRule[]) idOfValue.set(rule.value, rule.id);
    for (const problem of (added.body['errors'] ?? []) as Array<{ value?: string; id?: string; title?: string }>) {
      // A rule of this value exists already (added meanwhile, or another tool's): its messages serve us too.
      if (problem.title === 'DuplicateRule' && problem.value !== undefined && problem.id !== undefined)
        idOfValue.set(problem.value, problem.id);
      else problems.push(`stream rule not added: ${problem.title ?? 'refused'}: ${problem.value ?? ''}`);
    }
  }
  const wantedValues = new Set([...wanted.values()].flatMap((rules) => rules.map((rule) => rule.value)));
  const stale = current.filter((rule) => {
    const owner = tagOwner(rule.tag);
    return owner !== undefined && ours(owner) && !wantedValues.has(rule.value);
  });
  if (stale.length > 0) await client.post('tweets/search/stream/rules', { delete: { ids: stale.map((rule) => rule.id) } }, { signal });
  const routes = new Map<string, string[]>();
  for (const [collectionId, rules] of wanted) {
    for (const rule of rules) {
      const id = idOfValue.get(rule.value);
      if (id === undefined) continue;
      const owners = routes.get(id) ?? [];
      if (!owners.includes(collectionId)) owners.push(collectionId);
      routes.set(id, owners);
    }
  }
  return { routes, added: [...toAdd.keys()].filter((value) => idOfValue.has(value)), deleted: stale.map((rule) => rule.value), problems };
}
