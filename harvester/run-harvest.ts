import { randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../platform/errors.js';
import { collectionKeys, harvestId as harvestIdAt } from '../platform/archive/keys.js';
import { acquireLock, LockLost, type HeldLock } from '../platform/archive/lock.js';
import { readObject, writeObject, type LockHolder } from '../platform/archive/objects.js';
import { openArchiveStore } from '../platform/archive/open-store.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import { secretValues } from '../platform/credentials/credentials.js';
import { resolveCredentials } from '../platform/credentials/resolve.js';
import { XApiClient } from '../platform/x-api/client.js';
import { DEFAULT_API_BASE_URL } from '../platform/x-api/endpoints.js';
import { harvestFilterStream } from './collect/filter-stream.js';
import { harvestSearch } from './collect/search.js';
import { harvestUserTimelines } from './collect/user-timeline.js';
import { startControlServer, type ControlServer } from './control-server.js';
import { recordError, type CollectionConfig, type HarvestContext, type HarvestStats, type HarvestTuning } from './harvest-context.js';
import { finalizeHarvest, harvestRecord } from './finalize.js';
import { JsonLog } from './log.js';
import { TweetFiles } from './output/tweet-files.js';
import { finalizeInterrupted } from './recover.js';
import { StateBook } from './state-book.js';
import { HarvestStopping, StopController } from './stop.js';

export interface HarvestOptions {
  readonly collectionId: string;
  /** A local directory or s3://bucket[/prefix]. */
  readonly archive: string;
  readonly env: NodeJS.ProcessEnv;
  readonly writeLog: (line: string) => void;
  readonly apiBaseUrl?: string;
  readonly controlHost?: string;
  /** 0 picks a free port; the URL in lock.json tells which. */
  readonly controlPort?: number;
  /** The host name others reach the control API by, if not the bind address. */
  readonly advertiseHost?: string;
  readonly staleAfterMs?: number;
  readonly stopPollMs?: number;
  /** After a requested stop, keep answering is_stopped for this long (an ECS service is being scaled down). */
  readonly lingerMs?: number;
  readonly tuning?: Partial<HarvestTuning>;
  readonly stop?: StopController;
  readonly ssmPath?: string;
}

export type HarvestOutcome = 'completed' | 'stopped' | 'failed';

/** Another harvest of the collection holds its lock. */
export class LockHeld extends UserError {
  constructor(collectionId: string, holder: LockHolder, harvestId: string, heartbeatAt: string, staleAfterMs: number) {
    super(
      `collection ${collectionId} is being harvested already (harvest ${harvestId} on ${holder.host}, pid ${holder.pid}, last heartbeat ${heartbeatAt})`,
      `only one harvest of a collection runs at a time; if that process is dead, its lock goes stale ${Math.round(staleAfterMs / 1000)} s after its last heartbeat and the next harvest takes over`,
    );
  }
}

/**
 * One harvest of one collection: read its collection.json, find credentials, take the lock,
 * collect, then finalize (files, manifest, harvest.json, last_harvest.json, state, lock).
 */
export async function runHarvest(options: HarvestOptions): Promise<HarvestOutcome> {
  const store = await openArchiveStore(options.archive);
  const config = await readConfig(store, options.collectionId);
  const log = new JsonLog(options.writeLog, { collection: config.id });
  const ssmPath = options.ssmPath ?? options.env['TWARC_CLOUD_SSM_PATH'];
  const credentials = await resolveCredentials(config.credentials, { env: options.env, ...(ssmPath !== undefined ? { ssmPath } : {}) });
  log.redact(secretValues(credentials));

  const staleAfterMs = options.staleAfterMs ?? 300_000;
  const { harvestId, lock } = await takeLock(store, config, staleAfterMs);
  const keys = collectionKeys(config.id).harvest(harvestId);
  const harvestLog = new JsonLog(options.writeLog, { collection: config.id, harvest_id: harvestId });
  harvestLog.redact(secretValues(credentials));
  const stop = options.stop ?? new StopController();
  const stats: HarvestStats = { requests: {}, rateLimitWaits: { count: 0, seconds: 0 }, reconnects: 0, errors: [] };
  const startedAt = new Date();
  const tuning: HarvestTuning = { concurrency: 8, streamSilenceMs: 25_000, backoffScale: 1, rateLimitMarginMs: 1000, requestTimeoutMs: 60_000, ...options.tuning };
  const client = new XApiClient({
    baseUrl: options.apiBaseUrl ?? options.env['TWARC_CLOUD_API_BASE_URL'] ?? DEFAULT_API_BASE_URL,
    credentials,
    backoffScale: tuning.backoffScale,
    rateLimitMarginMs: tuning.rateLimitMarginMs,
    timeoutMs: tuning.requestTimeoutMs,
    events: {
      request: (endpoint) => (stats.requests[endpoint] = (stats.requests[endpoint] ?? 0) + 1),
      rateLimitWait: (endpoint, ms) => {
        stats.rateLimitWaits.count += 1;
        stats.rateLimitWaits.seconds += Math.max(0, ms) / 1000;
        harvestLog.info('rate limit reached; waiting for the window to reset', { endpoint, wait_ms: Math.max(0, ms) });
      },
      retry: (endpoint, problem, attempt, waitMs) => {
        recordError(stats, `${problem} (attempt ${attempt}; retrying in ${waitMs} ms)`, endpoint);
        harvestLog.warn('request failed; retrying', { endpoint, problem, attempt, wait_ms: waitMs });
      },
    },
  });
  const state = await StateBook.load(store, config.id, harvestId);
  let lostLock = false;
  const files = new TweetFiles({
    store,
    keys,
    tweetsPerFile: config.output.tweets_per_file,
    rotateMs: config.output.rotate_minutes * 60_000,
    spoolDir: join(options.env['TWARC_CLOUD_SPOOL'] ?? tmpdir(), `twarc-cloud-${config.id}-${harvestId}-${process.pid}`),
    onStored: async (file, checkpoints) => {
      for (const checkpoint of checkpoints) checkpoint();
      if (file) harvestLog.info('tweet file stored', { file: file.name, tweets: file.tweets, bytes: file.bytes });
      if (!lostLock) await state.save();
    },
  });
  const context: HarvestContext = { config, harvestId, store, keys, client, credentials, files, state, stats, log: harvestLog, stop, tuning };

  let finalized = false;
  const token = lock.value.control?.token ?? '';
  const control = await startControl(options, token, () => ({ collection: config.id, harvest_id: harvestId, type: config.type, started_at: startedAt.toISOString(), tweets: files.tweets, files: files.stored.length, requests: stats.requests, reconnects: stats.reconnects, stopping: stop.stopping }), stop, () => finalized);
  const advertised = `http://${options.advertiseHost ?? options.controlHost ?? '127.0.0.1'}:${control.port}/`;
  const watchers = watch(store, config.id, harvestId, lock, stop, staleAfterMs, options.stopPollMs ?? 10_000, () => (lostLock = true), harvestLog);
  let outcome: HarvestOutcome = 'failed';
  // A user's mistake (revoked credentials, say) ends the harvest completely, then is reported as such.
  let userError: UserError | undefined;
  try {
    await lock.setControl({ url: advertised, token });
    await writeObject(store, keys.config, 'collection-config', config);
    await writeObject(store, keys.summary, 'harvest', harvestRecord(context, startedAt, 'running', lock.value.took_over));
    if (lock.value.took_over) await finalizeInterrupted(store, config, lock.value.took_over, harvestId, harvestLog);
    harvestLog.info('harvest started', { type: config.type, control: advertised });
    try {
      await collect(context);
    } catch (error) {
      if (!(error instanceof HarvestStopping)) {
        const message = error instanceof Error ? error.message : String(error);
        recordError(stats, harvestLog.scrub(message));
        stop.stop('failed', harvestLog.scrub(message));
        if (!(error instanceof UserError)) throw error;
        userError = error;
      }
    }
  } finally {
    clearInterval(watchers);
    outcome = await finalizeHarvest(context, { startedAt, lock, lostLock: () => lostLock, took: lock.value.took_over });
    finalized = true;
    if (stop.reason?.cause === 'requested' && options.lingerMs !== undefined && options.lingerMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.lingerMs));
    }
    await control.close();
  }
  if (userError) throw userError;
  return outcome;
}

async function collect(context: HarvestContext): Promise<void> {
  switch (context.config.type) {
    case 'user_timeline':
      return harvestUserTimelines(context);
    case 'search':
      return harvestSearch(context);
    case 'filter':
      return harvestFilterStream(context);
  }
}

async function readConfig(store: ArchiveStore, collectionId: string): Promise<CollectionConfig> {
  const found = await readObject(store, collectionKeys(collectionId).config, 'collection-config');
  if (!found) throw new UserError(`collection ${collectionId} is not in the archive ${store.location}`, 'check the id and the archive location; a collection appears there when `twarc-cloud apply` renders it');
  if (found.value.state !== 'active') throw new UserError(`collection ${collectionId} is ${found.value.state}; only active collections are harvested`, 'set `state: active` in its YAML file and apply');
  return found.value;
}

async function takeLock(store: ArchiveStore, config: CollectionConfig, staleAfterMs: number): Promise<{ harvestId: string; lock: HeldLock }> {
  const holder: LockHolder = { host: hostname(), pid: process.pid };
  for (;;) {
    const id = harvestIdAt(new Date());
    // A harvest that started and ended within this second owns this id's folder: take the next second.
    const existing = await store.list(collectionKeys(config.id).harvest(id).prefix, { limit: 1 });
    if (existing.objects.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)));
      continue;
    }
    const attempt = await acquireLock(store, config.id, {
      holder,
      harvestId: id,
      staleAfterMs,
      control: { token: randomBytes(32).toString('hex') },
      isHolderGone: (other) => other.host === holder.host && other.task === undefined && !processRuns(other.pid),
    });
    if (!attempt.acquired) throw new LockHeld(config.id, attempt.current.holder, attempt.current.harvest_id, attempt.current.heartbeat_at, staleAfterMs);
    return { harvestId: id, lock: attempt.lock };
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function startControl(options: HarvestOptions, token: string, status: () => Record<string, unknown>, stop: StopController, isStopped: () => boolean): Promise<ControlServer> {
  return startControlServer(options.controlHost ?? '127.0.0.1', options.controlPort ?? 0, {
    token,
    status,
    stop: () => {
      stop.stop('requested', 'stop requested through the control API');
    },
    isStopped,
  });
}

/** Heartbeats the lock and polls for a stop request naming this harvest. */
function watch(
  store: ArchiveStore,
  collectionId: string,
  harvestId: string,
  lock: HeldLock,
  stop: StopController,
  staleAfterMs: number,
  stopPollMs: number,
  onLockLost: () => void,
  log: JsonLog,
): NodeJS.Timeout {
  const heartbeatMs = Math.max(200, Math.floor(staleAfterMs / 5));
  let lastBeat = Date.now();
  let lastPoll = Date.now();
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        if (Date.now() - lastBeat >= heartbeatMs) {
          lastBeat = Date.now();
          await lock.refresh();
        }
        if (Date.now() - lastPoll >= stopPollMs) {
          lastPoll = Date.now();
          const request = await readObject(store, collectionKeys(collectionId).stopRequest, 'stop-request');
          if (request?.value.harvest_id === harvestId) stop.stop('requested', `stop requested through the archive by ${request.value.requested_by}`);
        }
      } catch (error) {
        if (error instanceof LockLost) {
          onLockLost();
          stop.stop('lock_lost', error.message);
        } else log.warn('heartbeat or stop-request poll failed; will retry', { problem: error instanceof Error ? error.message : String(error) });
      } finally {
        busy = false;
      }
    })();
  }, Math.min(heartbeatMs, stopPollMs, 1000));
}
