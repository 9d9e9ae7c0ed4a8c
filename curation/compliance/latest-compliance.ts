/*
 * What the newest finished compliance run of a collection marks: the tweets and users that X
 * says were deleted, suspended, protected or deactivated. Downloads and exports leave those out;
 * a scrub_geo event is counted but leaves its tweet in.
 */

import { newestComplianceRun } from '../../platform/archive/compliance-runs.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { parseComplianceResults } from '../../platform/x-api/compliance-jobs.js';
import type { ComplianceRecord } from './run-compliance.js';

/** The reasons that take a tweet out of what is shared, by X's developer terms. */
export const LEFT_OUT_REASONS: ReadonlySet<string> = new Set(['deleted', 'suspended', 'protected', 'deactivated']);

export interface ComplianceMarks {
  readonly record: ComplianceRecord;
  /** Tweet id -> reason, for tweets to leave out. */
  readonly tweets: ReadonlyMap<string, string>;
  /** User id -> reason, for users whose tweets to leave out. */
  readonly users: ReadonlyMap<string, string>;
}

/** The newest run's marks; undefined when the collection has no finished run. */
export async function latestCompliance(store: ArchiveStore, collectionId: string): Promise<ComplianceMarks | undefined> {
  const newest = await newestComplianceRun(store, collectionId);
  if (newest === undefined) return undefined;
  const run = collectionKeys(collectionId).compliance(newest);
  const record = (await readObject(store, run.record, 'compliance'))?.value;
  if (!record) return undefined;
  const marks = { tweets: new Map<string, string>(), users: new Map<string, string>() };
  for (const job of record.jobs) {
    const stored = await store.get(run.results(job.type));
    const text = stored?.body.toString('utf8') ?? '';
    for (const event of parseComplianceResults(text, `${store.location}/${run.results(job.type)}`))
      if (LEFT_OUT_REASONS.has(event.reason)) marks[job.type].set(event.id, event.reason);
  }
  return { record, ...marks };
}

/** Why a tweet is left out, or undefined to keep it. */
export function leftOutBecause(marks: ComplianceMarks, tweet: { readonly id?: unknown; readonly author_id?: unknown }): string | undefined {
  const byTweet = typeof tweet.id === 'string' ? marks.tweets.get(tweet.id) : undefined;
  if (byTweet !== undefined) return `tweet ${byTweet}`;
  const byAuthor = typeof tweet.author_id === 'string' ? marks.users.get(tweet.author_id) : undefined;
  return byAuthor !== undefined ? `author ${byAuthor}` : undefined;
}
