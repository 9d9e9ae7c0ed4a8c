/*
 * One compliance run of a collection: every tweet id and user id its harvests stored goes to X's
 * batch compliance jobs, and X's answers are written into the archive beside the harvests
 * (collections/<id>/compliance/<run id>/). Nothing harvested is changed or deleted: downloads and
 * exports read the newest run and leave out what it marks.
 */

import { UserError } from '../../platform/errors.js';
import { collectionKeys, complianceRunId } from '../../platform/archive/keys.js';
import { writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import type { CollectionConfig } from '../collection.js';
import { assertWritable, type ArchiveStore } from '../../platform/archive/store.js';
import type { XApiClient } from '../../platform/x-api/client.js';
import {
  checkedEvents,
  parseComplianceResults,
  runComplianceJob,
  type ComplianceJob,
  type ComplianceJobType,
  type LeftOutLines,
} from '../../platform/x-api/compliance-jobs.js';
import { idsOfPage, pagesOf, tweetFiles, type DamagedFiles } from '../../platform/archive/harvest-files.js';

export type ComplianceRecord = ArchiveObjects['compliance'];

/** A collection with no stored tweet has nothing to check: a mistake by hand, a note on a schedule. */
export class NothingHarvested extends UserError {
  constructor(readonly collectionId: string) {
    super(`collection ${collectionId} has no harvested tweets yet`, 'run compliance after a harvest has stored some');
  }
}

export interface ComplianceRunOptions {
  /** Between job status checks. */
  readonly pollMs: number;
  /** Told what of a results file was left out, for each job. */
  readonly onLeftOut?: (type: ComplianceJobType, leftOut: LeftOutLines) => void;
  /** Collects the damaged tweet files, whose ids up to the damage are submitted; without it, the first one is refused before any job is made. */
  readonly damaged?: DamagedFiles;
  /** How long X's storage may send nothing before a transfer is given up. */
  readonly storageIdleMs?: number;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly onStatus?: (job: ComplianceJob) => void;
  /** After the ids are read, before any job: how many of each. */
  readonly onIds?: (tweets: number, users: number, files: number) => void;
}

export async function runCompliance(
  store: ArchiveStore,
  /** Called once the ids are read: a collection with nothing to check needs no credentials. */
  openClient: () => Promise<XApiClient>,
  /** Read by the caller (requireCollection), which needs it too. */
  config: CollectionConfig,
  options: ComplianceRunOptions,
): Promise<ComplianceRecord> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const collectionId = config.id;
  const keys = collectionKeys(collectionId);
  const files = await tweetFiles(store, collectionId);
  const ids = { tweets: new Set<string>(), users: new Set<string>() };
  for (const file of files)
    for await (const page of pagesOf(store, file.key, undefined, options.damaged)) idsOfPage(page, ids.tweets, ids.users);
  if (ids.tweets.size === 0) throw new NothingHarvested(collectionId);
  options.onIds?.(ids.tweets.size, ids.users.size, files.length);
  const runId = complianceRunId(started);
  const run = keys.compliance(runId);
  // X's jobs are paid for: an archive that cannot take their results is found out before any is made.
  await assertWritable(store, run.prefix);
  const client = await openClient();
  const jobs: ComplianceRecord['jobs'] = [];
  for (const type of ['tweets', 'users'] as const satisfies readonly ComplianceJobType[]) {
    const submitted = [...ids[type]];
    if (submitted.length === 0) continue;
    const { job, results } = await runComplianceJob(client, type, submitted, {
      name: `twarc-cloud ${collectionId} ${runId}`.slice(0, 64),
      pollMs: options.pollMs,
      ...(options.storageIdleMs !== undefined ? { storageIdleMs: options.storageIdleMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onStatus ? { onStatus: options.onStatus } : {}),
    });
    const parsed = parseComplianceResults(results.toString('utf8'), `the results of ${type} job ${job.id}`);
    // Only what answers for the ids submitted is kept: never a path, a novel, or an id of someone else's.
    const { kept: events, leftOut } = checkedEvents(parsed, new Set(submitted));
    options.onLeftOut?.(type, leftOut);
    const lines = events.map((event) => `${JSON.stringify(event)}\n`).join('');
    await store.put(run.results(type), lines, { contentType: 'application/x-ndjson', ifNoneMatch: '*' });
    const reasons: Record<string, number> = {};
    for (const event of events) reasons[event.reason] = (reasons[event.reason] ?? 0) + 1;
    jobs.push({
      type,
      job_id: job.id,
      created_at: job.created_at,
      ids: submitted.length,
      events: events.length,
      reasons,
      results: `${type}.jsonl`,
    });
  }
  const newest = files.at(-1)?.harvestId;
  const record: ComplianceRecord = {
    format: 'twarc-cloud/compliance@1',
    collection: collectionId,
    run_id: runId,
    started_at: started.toISOString(),
    ended_at: now().toISOString(),
    harvests: { count: new Set(files.map((f) => f.harvestId)).size, ...(newest !== undefined ? { newest } : {}) },
    jobs,
  };
  // Written last: a run without its record is unfinished, and readers pass it over.
  await writeObject(store, run.record, 'compliance', record, { ifNoneMatch: '*' });
  return record;
}
