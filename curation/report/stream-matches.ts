/*
 * What a filter collection's report says about its stream: how many posts each of its rules matched
 * (every rule, a rule that matched nothing as 0), and the messages its stream group received that
 * matched no collection's rule. Those are kept apart in the group's unmatched files; a report that
 * left them out would read "none" where the stream was in fact busy.
 */

import { isStreamGroupRecordKey, streamGroupRunsPrefix } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { listAll, type ArchiveStore } from '../../platform/archive/store.js';

export interface RuleMatches {
  /** The rule's tag; "untagged rules" for those without one (X tags them all with the collection's id). */
  readonly rule: string;
  /** Its value (the values, for the untagged ones); absent for a rule the collection no longer has. */
  readonly value?: string;
  readonly matches: number;
}

export interface UnmatchedMessages {
  readonly messages: number;
  /** The archive keys of the files that keep them. */
  readonly files: readonly string[];
}

export interface StreamReport {
  readonly rules: readonly RuleMatches[];
  readonly unmatched: UnmatchedMessages;
}

/** A filter collection's stream section, from the post counts per rule tag its report made and its harvests' records. */
export async function streamReport(
  store: ArchiveStore,
  config: { readonly id: string; readonly credentials: string; readonly rules: ReadonlyArray<{ value: string; tag?: string }> },
  byTag: ReadonlyMap<string, number>,
  harvests: Parameters<typeof unmatchedMessages>[3],
): Promise<StreamReport> {
  return {
    rules: ruleMatches(config.id, config.rules, byTag),
    unmatched: await unmatchedMessages(store, config.id, config.credentials, harvests),
  };
}

/**
 * Matches per rule, in the order the collection lists its rules, from the count of posts per rule tag
 * as X sent it (`<id>` or `<id>:<tag>`); then this collection's tags on posts that none of its rules
 * has now (a rule since removed).
 */
export function ruleMatches(
  collectionId: string,
  rules: ReadonlyArray<{ readonly value: string; readonly tag?: string | undefined }>,
  byTag: ReadonlyMap<string, number>,
): RuleMatches[] {
  const rows: RuleMatches[] = [];
  const used = new Set<string>();
  for (const rule of rules) {
    if (rule.tag === undefined || rule.tag === '') continue;
    const key = `${collectionId}:${rule.tag}`;
    used.add(key);
    rows.push({ rule: rule.tag, value: rule.value, matches: byTag.get(key) ?? 0 });
  }
  const untagged = rules.filter((rule) => rule.tag === undefined || rule.tag === '');
  if (untagged.length > 0) {
    used.add(collectionId);
    rows.push({ rule: 'untagged rules', value: untagged.map((r) => r.value).join(' | '), matches: byTag.get(collectionId) ?? 0 });
  }
  // A post that matched another collection's rule too carries that rule's tag: not this collection's.
  const own = (tag: string): boolean => tag === collectionId || tag.startsWith(`${collectionId}:`);
  for (const [tag, matches] of [...byTag].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    if (!used.has(tag) && own(tag)) rows.push({ rule: tag.slice(collectionId.length + 1) || tag, matches });
  return rows;
}

/**
 * The unmatched messages of the stream group runs that fed this collection, and those its own
 * harvests kept (before stream groups, each filter harvest kept its own).
 */
export async function unmatchedMessages(
  store: ArchiveStore,
  collectionId: string,
  profile: string,
  ownHarvests: ReadonlyArray<{
    readonly prefix: string;
    readonly unmatched?: { messages: number; files: ReadonlyArray<{ name: string }> };
  }>,
): Promise<UnmatchedMessages> {
  let messages = 0;
  const files: string[] = [];
  for (const harvest of ownHarvests) {
    messages += harvest.unmatched?.messages ?? 0;
    for (const file of harvest.unmatched?.files ?? []) files.push(`${harvest.prefix}${file.name}`);
  }
  const runs = streamGroupRunsPrefix(profile);
  for await (const object of listAll(store, runs)) {
    if (!isStreamGroupRecordKey(object.key)) continue;
    const record = (await readObject(store, object.key, 'stream-group'))?.value;
    if (!record?.members.some((member) => member.collection === collectionId)) continue;
    messages += record.unmatched.messages;
    const prefix = object.key.slice(0, -'stream-group.json'.length);
    for (const name of record.unmatched.files) files.push(`${prefix}${name}`);
  }
  return { messages, files: files.sort() };
}
