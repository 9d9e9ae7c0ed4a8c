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
import { streamComplete } from '../../platform/archive/stream-completion.js';
import { TWEET_EVERYTHING } from '../../platform/x-api/fields.js';
import { XAppAuthRequired } from '../../platform/x-api/errors.js';
import { describeStreamEnd, readUntilStopped } from '../collect/stream-ends.js';
import { readStreamLine, ruleTagsOf, streamProblem } from '../collect/stream-message.js';
import { memberControlPath, startGroupControlServer } from '../control-server.js';
import { holdBudget } from '../budget-guard.js';
import { newHarvestStats, type HarvestStats, type HarvestTuning } from '../harvest-context.js';
import { holdAfter, releaseHolds, wantsHarvest as wantsHarvestNow, type MemberHolds } from './member-holds.js';
import { JsonLog } from '../log.js';
import { countingClient, DEFAULT_TUNING } from '../open-harvest.js';
import { spoolDirFor } from '../output/spool.js';
import { TweetFiles } from '../output/tweet-files.js';
import { twarcMetadata } from '../output/twarc-line.js';
import { HarvestStopping, type StopController } from '../stop.js';
import { LockHeld } from '../take-lock.js';
import { endOwnService } from '../own-ecs-service.js';
import { GroupMembers, type GroupMember } from './group-members.js';
import { syncGroupRules, tagOwner } from './group-rules.js';
import { MemberHarvest } from './member-harvest.js';
import { ConnectionGaps } from './connection-gaps.js';
import { PendingMessages } from './pending-messages.js';
import { RecentIds, tweetIdOf } from './replay-guard.js';

export interface StreamGroupOptions {
  readonly profile: string;
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

/** A member collection's place in the group: its harvest once open, what arrives for it meanwhile, and what holds it. */
interface Slot extends MemberHolds {
  member: GroupMember;
  harvest: MemberHarvest | undefined;
  readonly pending: PendingMessages;
  /** The group itself is ending the harvest (an edit, a leave, its own stop): not a stop to hold. */
  groupStop?: boolean;
  busy?: Promise<void>;
}

export async function runStreamGroup(options: StreamGroupOptions): Promise<'completed' | 'stopped' | 'failed'> {
  const { profile, store, stop } = options;
  const runId = runIdAt(new Date());
  const keys = streamGroupRunKeys(profile, runId);
  const log = new JsonLog(options.writeLog, { stream_group: profile, run_id: runId });
  log.redact(secretValues(options.credentials));
  const bearerToken = options.credentials.bearerToken;
  if (bearerToken === undefined) throw new XAppAuthRequired(profile, 'tweets/search/stream');
  const tuning: HarvestTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const stats: HarvestStats = newHarvestStats();
  const client = countingClient({
    credentials: options.credentials,
    env: options.env,
    tuning,
    stats,
    log,
    ...(options.apiBaseUrl !== undefined ? { apiBaseUrl: options.apiBaseUrl } : {}),
  });
  const groupName = `stream-group-${createHash('sha256').update(profile).digest('hex').slice(0, 12)}`;
  const unmatched = new TweetFiles({
    store,
    fileKey: keys.unmatched,
    tweetsPerFile: 10_000,
    rotateMs: 15 * 60_000,
    spoolDir: spoolDirFor(options.env['TWARC_CLOUD_SPOOL'] ?? tmpdir(), groupName, runId),
    onStored: (file) => {
      if (file) log.info('unmatched stream messages stored', { file: file.name, messages: file.tweets });
      return Promise.resolve();
    },
  });
  const startedAt = new Date().toISOString();
  const slots = new Map<string, Slot>();
  const fed: Array<{ collection: string; harvest: MemberHarvest }> = [];
  let routes = new Map<string, readonly string[]>();
  let connections = 0;
  let reconnects = 0;
  const backfillMinutes = Math.min(5, Math.max(0, Math.floor(options.backfillMinutes ?? 0)));
  const gaps = new ConnectionGaps(backfillMinutes);
  // Ids of the last minutes, kept only while a backfill may replay them.
  const recent = backfillMinutes > 0 ? new RecentIds((backfillMinutes + 1) * 60_000) : undefined;
  let replayedDuplicates = 0;
  const record = (outcome: GroupRecord['outcome']): GroupRecord => ({
    format: 'twarc-cloud/stream-group@1',
    group: profile,
    run_id: runId,
    started_at: startedAt,
    ...(outcome !== 'running' ? { ended_at: new Date().toISOString() } : {}),
    outcome,
    connections,
    reconnects,
    ...(gaps.stretches.length > 0 ? { gaps: [...gaps.stretches] } : {}),
    members: fed.map(({ collection, harvest }) => ({ collection, harvest_id: harvest.context.harvestId, tweets: harvest.tweets() })),
    unmatched: { messages: unmatched.tweets, files: unmatched.stored.map((file) => file.name) },
    errors: stats.errors.map(({ at, message }) => ({ at, message })),
    ...(backfillMinutes > 0 ? { backfill_minutes: backfillMinutes, replayed_duplicates: replayedDuplicates } : {}),
  });

  const groupToken = randomBytes(32).toString('hex');
  const control = await startGroupControlServer(
    options.controlHost,
    options.controlPort,
    {
      token: groupToken,
      status: () => ({ stream_group: profile, run_id: runId, members: [...slots.keys()], connections, reconnects }),
      stop: () => {
        stop.stop('requested', 'stop requested through the control API');
      },
      isStopped: () => false,
    },
    (collectionId) => {
      const harvest = slots.get(collectionId)?.harvest ?? fed.findLast((f) => f.collection === collectionId)?.harvest;
      if (!harvest) return undefined;
      return {
        token: harvest.token,
        status: () => harvest.status(profile),
        stop: () => {
          harvest.context.stop.stop('requested', 'stop requested through the control API');
        },
        isStopped: () => harvest.isFinalized,
      };
    },
  );
  const controlBase = `http://${options.advertiseHost ?? options.controlHost}:${control.port}/`;

  /** Opens a member's harvest; while another harvest holds its lock, the next sync tries again. */
  const open = async (slot: Slot): Promise<void> => {
    try {
      const harvest = await MemberHarvest.open({
        store,
        config: slot.member.config,
        hash: slot.member.hash,
        credentials: options.credentials,
        env: options.env,
        writeLog: options.writeLog,
        ...(options.apiBaseUrl !== undefined ? { apiBaseUrl: options.apiBaseUrl } : {}),
        ...(options.tuning !== undefined ? { tuning: options.tuning } : {}),
        staleAfterMs: options.staleAfterMs,
        stopPollMs: options.stopPollMs,
        controlUrl: `${controlBase}${memberControlPath(slot.member.config.id)}`,
      });
      fed.push({ collection: harvest.id, harvest });
      harvest.context.stop.signal.addEventListener(
        'abort',
        () => {
          retire(slot, harvest);
        },
        { once: true },
      );
      slot.groupStop = false;
      // A member that spent its month's budget stops here, and is retired (held until the month turns).
      await holdBudget(harvest.context);
      if (harvest.context.stop.stopping) return;
      // What waited goes in first; the harvest takes messages directly only once nothing waits.
      await slot.pending.drainInto(harvest);
      slot.harvest = harvest;
    } catch (error) {
      if (!(error instanceof LockHeld)) throw error;
      log.info('member collection is harvested elsewhere still; joining once its lock is free', { collection: slot.member.config.id });
    }
  };

  /** Finishes a member's harvest; a failure is logged by its first finisher only, and never ends the group. */
  const finishMember = (harvest: MemberHarvest): Promise<void> => {
    // MemberHarvest.finish runs once, whoever asks; later askers get the same outcome.
    const first = !harvest.isFinalized;
    return harvest.finish().then(
      () => undefined,
      (error: unknown) => {
        if (first)
          log.error('finishing a member harvest failed', {
            collection: harvest.id,
            problem: error instanceof Error ? error.message : String(error),
          });
      },
    );
  };

  /** Finishes a member's harvest once it ended (stop request, max_records, budget, lost lock), and says whether it comes back. */
  const retire = (slot: Slot, harvest: MemberHarvest): void => {
    holdAfter(slot, harvest.context.stop.reason?.cause, slot.member.hash, slot.groupStop === true || stop.stopping);
    if (slot.harvest === harvest) slot.harvest = undefined;
    slot.busy = finishMember(harvest);
    if (!stop.stopping) requestSync();
  };

  const wantsHarvest = (slot: Slot): boolean => wantsHarvestNow(slot, slot.member.hash);

  let waitingLogged = false;
  /** Follows the index: opens joiners, rolls edited members, finishes leavers, then makes X's rules match. */
  const sync = async (): Promise<void> => {
    const { members, known } = await membersOf.read();
    for (const [id, slot] of slots) {
      if (members.has(id)) continue;
      slots.delete(id);
      if (slot.harvest) {
        slot.groupStop = true;
        slot.harvest.context.stop.stop('requested', 'the collection left its stream group (removed, suspended or moved)');
        await slot.busy;
      }
      await slot.pending.spill(unmatched);
    }
    for (const [id, member] of members) {
      let fresh = !slots.has(id);
      const slot = slots.get(id) ?? { member, harvest: undefined, pending: new PendingMessages(log, id) };
      slots.set(id, slot);
      if (slot.member.hash !== member.hash) {
        slot.member = member;
        fresh = true;
        releaseHolds(slot);
        if (slot.harvest) {
          // An edit ends the harvest that ran the old config; what arrives meanwhile waits for the next one.
          log.info('member collection changed; its harvest rolls over, the connection stays', { collection: id });
          slot.groupStop = true;
          slot.harvest.context.stop.stop('requested', 'the collection was edited; a new harvest continues it');
        }
      }
      // A collection that stored its max_records before (in an earlier run of the group) is not harvested again.
      if (fresh && !slot.harvest && (await streamComplete(store, id, member.config))) slot.complete = true;
      await slot.busy;
      if (!slot.harvest && wantsHarvest(slot)) await open(slot);
    }
    const wanted = new Map([...slots].filter(([, slot]) => wantsHarvest(slot)).map(([id, slot]) => [id, slot.member.config.rules ?? []]));
    const synced = await syncGroupRules(client, wanted, (owner) => known.has(owner), stop.signal);
    // Ids of rules just replaced still route what was in flight for collections that are members.
    routes = new Map([...[...routes].filter(([, owners]) => owners.some((id) => slots.has(id))), ...synced.routes]);
    if (synced.added.length > 0 || synced.deleted.length > 0)
      log.info('stream rules changed; the connection stays open', { added: synced.added, deleted: synced.deleted });
    for (const problem of synced.problems) {
      stats.errors.push({ at: new Date().toISOString(), message: problem, endpoint: 'tweets/search/stream/rules' });
      log.warn(problem);
    }
    // Nothing left to stream (no member, or every one at its max_records): the group ends, and nothing idles.
    if (slots.size > 0 && [...slots.values()].every((slot) => slot.complete === true)) {
      if (await endOwnService(options.endOwnService, log)) log.info('every member collection is complete; the group ended its own service');
      stop.stop('max_records', 'every member collection reached its max_records');
    } else if (slots.size === 0) {
      if (!options.endOwnService) stop.stop('max_records', 'the group has no member collections');
      else if (!waitingLogged) log.info('no member collections yet; the group waits for them');
      waitingLogged = true;
    } else waitingLogged = false;
  };
  const membersOf = new GroupMembers(store, profile);
  let syncing: Promise<void> = Promise.resolve();
  let syncAgain = false;
  const requestSync = (): void => {
    syncAgain = true;
    syncing = syncing.then(async () => {
      if (!syncAgain || stop.stopping) return;
      syncAgain = false;
      await sync().catch((error: unknown) => {
        if (error instanceof HarvestStopping || stop.stopping) return;
        log.warn('following the collections index failed; will retry', { problem: error instanceof Error ? error.message : String(error) });
      });
    });
  };

  const url = `${client.baseUrl}tweets/search/stream?${new URLSearchParams(TWEET_EVERYTHING).toString()}`;
  let metadataSecond = 0;
  let metadataTail = Buffer.alloc(0);
  const onLine = (line: Buffer): Promise<void> | undefined => {
    const message = readStreamLine(line);
    if (message.kind === 'malformed' || message.kind === 'error') {
      log.warn(message.kind === 'error' ? 'stream error message' : 'malformed stream message skipped', { length: line.length });
      for (const slot of slots.values()) slot.harvest?.noteProblem(streamProblem(message, line.length));
      return undefined;
    }
    if (message.kind !== 'tweet' || stop.stopping) return undefined;
    if (recent) {
      const id = tweetIdOf(line);
      if (id !== undefined && recent.seen(id)) {
        replayedDuplicates += 1;
        return undefined;
      }
    }
    const second = Math.floor(Date.now() / 1000);
    if (second !== metadataSecond) {
      metadataSecond = second;
      metadataTail = Buffer.from(`,"__twarc":${twarcMetadata(url, new Date(second * 1000))}}`);
    }
    const head = line.subarray(0, line.lastIndexOf(0x7d));
    const waits: Array<Promise<void>> = [];
    const delivered = new Set<string>();
    const deliver = (collectionId: string): void => {
      const slot = slots.get(collectionId);
      if (delivered.has(collectionId) || !slot || !wantsHarvest(slot)) return;
      delivered.add(collectionId);
      const wait =
        slot.harvest && !slot.harvest.ending ? slot.harvest.append(head, metadataTail) : slot.pending.keep(head, metadataTail, unmatched);
      if (wait) waits.push(wait);
    };
    let unknownRule = false;
    for (const ruleId of message.ruleIds) {
      const owners = routes.get(ruleId);
      if (owners) owners.forEach(deliver);
      else unknownRule = true;
    }
    // A rule X matched before its add was answered (or added by an earlier run): its tag names its collection.
    if (unknownRule) {
      for (const owner of ruleTagsOf(line).map(tagOwner)) if (owner !== undefined) deliver(owner);
    }
    if (delivered.size === 0) {
      const wait = unmatched.append([head, metadataTail], 1);
      if (wait) waits.push(wait);
    }
    return waits.length > 0 ? Promise.all(waits).then(() => undefined) : undefined;
  };

  let outcome: 'completed' | 'stopped' | 'failed' = 'stopped';
  const syncTimer = setInterval(requestSync, options.syncMs);
  try {
    await writeObject(store, keys.record, 'stream-group', record('running'));
    requestSync();
    await syncing;
    log.info('stream group started', { members: [...slots.keys()], control: controlBase });
    await readUntilStopped({
      url: async () => {
        if (connections === 0) await gaps.takingOver(store, [...slots.keys()]);
        return `${url}${gaps.query()}`;
      },
      bearerToken,
      profile,
      silenceMs: tuning.streamSilenceMs,
      backoffScale: tuning.backoffScale,
      stop,
      onLine,
      onConnected: () => {
        connections += 1;
        const lost = gaps.connected();
        for (const slot of slots.values()) slot.harvest?.noteConnection(connections > 1, lost);
        log.info('stream connected', { connections });
      },
      onDisconnected: (end, waitMs) => {
        gaps.disconnected(`stream ${describeStreamEnd(end)}`);
        reconnects += 1;
        log.warn('stream disconnected; reconnecting', { reason: describeStreamEnd(end), wait_ms: waitMs });
      },
    });
  } catch (error) {
    outcome = 'failed';
    stats.errors.push({ at: new Date().toISOString(), message: log.scrub(error instanceof Error ? error.message : String(error)) });
    stop.stop('failed', error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    clearInterval(syncTimer);
    await syncing;
    for (const slot of slots.values()) {
      slot.groupStop = true;
      slot.harvest?.context.stop.stop('requested', `its stream group is stopping: ${stop.reason?.detail ?? ''}`);
      await slot.busy;
      await slot.pending.spill(unmatched);
    }
    await Promise.all(fed.map(({ harvest }) => finishMember(harvest)));
    await unmatched.close();
    if (outcome !== 'failed') outcome = stop.reason?.cause === 'signal' || stop.reason?.cause === 'requested' ? 'stopped' : 'completed';
    await writeObject(store, keys.record, 'stream-group', record(outcome)).catch(() => undefined);
    await control.close();
    log.info('stream group ended', { outcome, connections, reconnects, unmatched: unmatched.tweets });
  }
  return outcome;
}
