/*
 * A stream group: every active filter collection of one credentials profile on the one
 * filtered-stream connection X allows an app (docs/architecture.md, "Stream groups"). The group
 * follows the collections index: a collection that joins gets its own harvest and its rules are
 * added, one that is edited has its rules changed and its harvest rolled over, one that leaves
 * (removed, suspended, or stopped through the stop protocol) has its harvest finished and its rules
 * deleted, all while the connection stays open. Each message goes to the harvest of every
 * collection whose rules it matched; one that matched none is kept in the group's unmatched files.
 */

import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { harvestId as runIdAt, streamGroupRunKeys } from '../../platform/archive/keys.js';
import { writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { secretValues, type XCredentials } from '../../platform/credentials/credentials.js';
import { TWEET_EVERYTHING } from '../../platform/x-api/fields.js';
import { XAppAuthRequired } from '../../platform/x-api/errors.js';
import { describeStreamEnd, readUntilStopped } from '../collect/stream-ends.js';
import { startGroupControlServer, type ControlServer } from '../control-server.js';
import { newHarvestStats, type HarvestStats, type HarvestTuning } from '../harvest-context.js';
import { JsonLog } from '../log.js';
import { countingClient, DEFAULT_TUNING } from '../open-harvest.js';
import { spoolDirFor } from '../output/spool.js';
import { TweetFiles } from '../output/tweet-files.js';
import type { StopController } from '../stop.js';
import { ConnectionGaps } from './connection-gaps.js';
import { GapWatch } from './gap-repair.js';
import { GroupMembers, OneCollection } from './group-members.js';
import { GroupMembership } from './group-membership.js';
import { MessageRouter } from './message-router.js';
import { RecentIds } from './replay-guard.js';

export interface StreamGroupOptions {
  readonly profile: string;
  /**
   * A group of one: only this collection of the profile, read from its own config, and the group
   * ends with its harvest (`harvest <filter-id>`). A held lock is thrown (LockHeld), not waited out.
   */
  readonly only?: string;
  readonly store: ArchiveStore;
  readonly credentials: XCredentials;
  readonly env: NodeJS.ProcessEnv;
  readonly writeLog: (line: string) => void;
  readonly stop: StopController;
  readonly apiBaseUrl?: string;
  readonly tuning?: Partial<HarvestTuning>;
  /** How often the group reads the collections index for joins, edits and leaves. */
  readonly syncMs: number;
  readonly staleAfterMs: number;
  readonly stopPollMs: number;
  readonly controlHost: string;
  readonly controlPort: number;
  readonly advertiseHost?: string;
  /** Minutes of backfill to ask for on reconnecting (Enterprise access: at most 5); 0 for none. */
  readonly backfillMinutes?: number;
  /**
   * Where the group is the one task of an ECS service, which starts a new task whenever one exits:
   * ends that service once every member has reached its max_records. With it, a group that has no
   * members yet (its service started before apply wrote them) waits for them instead of ending.
   */
  readonly endOwnService?: () => Promise<void>;
}

type GroupRecord = ArchiveObjects['stream-group'];
type GroupOutcome = 'completed' | 'stopped' | 'failed';

/** What a run of the group counts, for its record and its control API. */
interface Tally {
  connections: number;
  reconnects: number;
}

/** The parts of one run of a group: its members, its router, its connection's gaps, its files. */
interface GroupRun {
  readonly options: StreamGroupOptions;
  readonly runId: string;
  readonly startedAt: string;
  readonly log: JsonLog;
  readonly stats: HarvestStats;
  readonly tuning: HarvestTuning;
  readonly url: string;
  readonly bearerToken: string;
  readonly unmatched: TweetFiles;
  readonly membership: GroupMembership;
  readonly router: MessageRouter;
  readonly gaps: ConnectionGaps;
  /** Where the stream stands between lost stretches, for the members that repair them. */
  readonly gapWatch: GapWatch;
  readonly backfillMinutes: number;
  readonly tally: Tally;
}

export async function runStreamGroup(options: StreamGroupOptions): Promise<GroupOutcome> {
  const run = openGroupRun(options);
  const groupToken = randomBytes(32).toString('hex');
  const control = await startControl(run, groupToken);
  const controlBase = `http://${options.advertiseHost ?? options.controlHost}:${control.port}/`;
  run.membership.controlBase = controlBase;
  const keys = streamGroupRunKeys(options.profile, run.runId);
  let outcome: GroupOutcome = 'stopped';
  // A group of one that could not take its collection's lock leaves no record: it never ran.
  let recorded = false;
  const syncTimer = setInterval(run.membership.requestSync, options.syncMs);
  try {
    run.membership.requestSync();
    await run.membership.settled();
    if (run.membership.refusal !== undefined) throw run.membership.refusal;
    await writeObject(options.store, keys.record, 'stream-group', groupRecord(run, 'running'));
    recorded = true;
    run.log.info('stream group started', { members: run.membership.ids(), control: controlBase });
    await connect(run);
    // Repairs still waiting for a post after their stretch search up to now before their harvests finish.
    run.gapWatch.flush();
  } catch (error) {
    outcome = 'failed';
    run.stats.errors.push({ at: new Date().toISOString(), message: run.log.scrub(error instanceof Error ? error.message : String(error)) });
    options.stop.stop('failed', error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    clearInterval(syncTimer);
    await run.membership.finishAll(options.stop.reason?.detail ?? '');
    await run.unmatched.close();
    if (outcome !== 'failed') outcome = await outcomeOf(run);
    if (recorded) await writeObject(options.store, keys.record, 'stream-group', groupRecord(run, outcome)).catch(() => undefined);
    await control.close();
    const { connections, reconnects } = run.tally;
    run.log.info('stream group ended', { outcome, connections, reconnects, unmatched: run.unmatched.tweets });
  }
  return outcome;
}

/** Stopped on request or by a signal; failed where a group of one's harvest failed; otherwise completed. */
async function outcomeOf(run: GroupRun): Promise<GroupOutcome> {
  const cause = run.options.stop.reason?.cause;
  if (cause === 'failed' || (run.options.only !== undefined && (await run.membership.memberFailed()))) return 'failed';
  return cause === 'signal' || cause === 'requested' ? 'stopped' : 'completed';
}

/** Everything a run needs before it connects: its log, client, unmatched files, members and router. */
function openGroupRun(options: StreamGroupOptions): GroupRun {
  const { profile, store, stop } = options;
  const runId = runIdAt(new Date());
  const log = new JsonLog(options.writeLog, { stream_group: profile, run_id: runId });
  log.redact(secretValues(options.credentials));
  const bearerToken = options.credentials.bearerToken;
  if (bearerToken === undefined) throw new XAppAuthRequired(profile, 'tweets/search/stream');
  const tuning: HarvestTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const stats: HarvestStats = newHarvestStats();
  const apiBaseUrl = options.apiBaseUrl !== undefined ? { apiBaseUrl: options.apiBaseUrl } : {};
  const client = countingClient({ credentials: options.credentials, env: options.env, tuning, stats, log, ...apiBaseUrl });
  const unmatched = unmatchedFiles(options, runId, log);
  const membership = new GroupMembership({
    store,
    profile,
    client,
    stop,
    log,
    stats,
    unmatched,
    source: options.only !== undefined ? new OneCollection(store, profile, options.only) : new GroupMembers(store, profile),
    alone: options.only !== undefined,
    memberOptions: {
      store,
      credentials: options.credentials,
      env: options.env,
      writeLog: options.writeLog,
      ...apiBaseUrl,
      ...(options.tuning !== undefined ? { tuning: options.tuning } : {}),
      staleAfterMs: options.staleAfterMs,
      stopPollMs: options.stopPollMs,
    },
    ...(options.endOwnService !== undefined ? { endOwnService: options.endOwnService } : {}),
  });
  const url = `${client.baseUrl}tweets/search/stream?${new URLSearchParams(TWEET_EVERYTHING).toString()}`;
  const backfillMinutes = Math.min(5, Math.max(0, Math.floor(options.backfillMinutes ?? 0)));
  // Ids of the last minutes, kept only while a backfill may replay them.
  const recent = backfillMinutes > 0 ? new RecentIds((backfillMinutes + 1) * 60_000) : undefined;
  const router = new MessageRouter(url, membership, unmatched, stop, log, recent);
  membership.routeWith(router);
  const gaps = new ConnectionGaps(backfillMinutes);
  const gapWatch = new GapWatch();
  const tally = { connections: 0, reconnects: 0 };
  const startedAt = new Date().toISOString();
  return {
    options,
    runId,
    startedAt,
    log,
    stats,
    tuning,
    url,
    bearerToken,
    unmatched,
    membership,
    router,
    gaps,
    gapWatch,
    backfillMinutes,
    tally,
  };
}

/** The group's files of messages no member's rules matched. */
function unmatchedFiles(options: StreamGroupOptions, runId: string, log: JsonLog): TweetFiles {
  const groupName = `stream-group-${createHash('sha256').update(options.profile).digest('hex').slice(0, 12)}`;
  return new TweetFiles({
    store: options.store,
    fileKey: streamGroupRunKeys(options.profile, runId).unmatched,
    tweetsPerFile: 10_000,
    rotateMs: 15 * 60_000,
    spoolDir: spoolDirFor(options.env['TWARC_CLOUD_SPOOL'] ?? tmpdir(), groupName, runId),
    onStored: (file) => {
      if (file) log.info('unmatched stream messages stored', { file: file.name, messages: file.tweets });
      return Promise.resolve();
    },
  });
}

/** The control API: the group's own, and each member harvest's under its collection's path. */
function startControl(run: GroupRun, token: string): Promise<ControlServer> {
  const { options, membership, tally } = run;
  return startGroupControlServer(
    options.controlHost,
    options.controlPort,
    {
      token,
      status: () => ({ stream_group: options.profile, run_id: run.runId, members: membership.ids(), ...tally }),
      stop: () => {
        options.stop.stop('requested', 'stop requested through the control API');
      },
      isStopped: () => false,
    },
    (collectionId) => {
      const harvest = membership.harvestOf(collectionId);
      if (!harvest) return undefined;
      return {
        token: harvest.token,
        status: () => harvest.status(options.profile),
        stop: () => {
          harvest.context.stop.stop('requested', 'stop requested through the control API');
        },
        isStopped: () => harvest.isFinalized,
      };
    },
  );
}

/** The one connection: read until stopped, reconnecting with X's backoff, every gap recorded in each member's harvest. */
async function connect(run: GroupRun): Promise<void> {
  const { options, gaps, membership, tally, log } = run;
  await readUntilStopped({
    url: async () => {
      if (tally.connections === 0) await gaps.takingOver(options.store, membership.ids());
      return `${run.url}${gaps.query()}`;
    },
    bearerToken: run.bearerToken,
    profile: options.profile,
    silenceMs: run.tuning.streamSilenceMs,
    backoffScale: run.tuning.backoffScale,
    stop: options.stop,
    onLine: (line) => {
      run.gapWatch.seen(line);
      return run.router.onLine(line);
    },
    onConnected: () => {
      tally.connections += 1;
      const lost = gaps.connected();
      const repairs = [...membership.slots()].flatMap((slot) => slot.harvest?.noteConnection(tally.connections > 1, lost) ?? []);
      if (lost) run.gapWatch.lost(repairs);
      log.info('stream connected', { connections: tally.connections });
    },
    onDisconnected: (end, waitMs) => {
      gaps.disconnected(`stream ${describeStreamEnd(end)}`);
      tally.reconnects += 1;
      log.warn('stream disconnected; reconnecting', { reason: describeStreamEnd(end), wait_ms: waitMs });
    },
  });
}

function groupRecord(run: GroupRun, outcome: GroupRecord['outcome']): GroupRecord {
  const { gaps, unmatched, stats, backfillMinutes } = run;
  return {
    format: 'twarc-cloud/stream-group@1',
    group: run.options.profile,
    run_id: run.runId,
    started_at: run.startedAt,
    ...(outcome !== 'running' ? { ended_at: new Date().toISOString() } : {}),
    outcome,
    connections: run.tally.connections,
    reconnects: run.tally.reconnects,
    ...(gaps.stretches.length > 0 ? { gaps: [...gaps.stretches] } : {}),
    members: run.membership.fed.map(({ collection, harvest }) => ({
      collection,
      harvest_id: harvest.context.harvestId,
      tweets: harvest.tweets(),
    })),
    unmatched: { messages: unmatched.tweets, files: unmatched.stored.map((file) => file.name) },
    errors: stats.errors.map(({ at, message }) => ({ at, message })),
    ...(backfillMinutes > 0 ? { backfill_minutes: backfillMinutes, replayed_duplicates: run.router.replayedDuplicates } : {}),
  };
}
