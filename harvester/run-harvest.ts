/*
 * One harvest of one collection, composed: read its collection.json, find its credentials, take
 * the lock, collect, then finalize whatever ended it (files, manifest, harvest.json,
 * last_harvest.json, state, lock). Every way out closes the control API; a harvest whose finalize
 * failed leaves its lock for the next harvest, which takes it over and closes the folder.
 */

import { UserError } from '../platform/errors.js';
import { collectionKeys } from '../platform/archive/keys.js';
import type { HeldLock } from '../platform/archive/lock.js';
import { readObject } from '../platform/archive/objects.js';
import { openArchiveStore } from '../platform/archive/open-store.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import type { XCredentials } from '../platform/credentials/credentials.js';
import { resolveCredentials } from '../platform/credentials/resolve.js';
import { streamComplete } from '../platform/archive/stream-completion.js';
import { holdBudget } from './budget-guard.js';
import { collectorOf, IN_STREAM_GROUP, type Collector } from './collect/collectors.js';
import { startControlServer } from './control-server.js';
import {
  HARVEST_DEFAULTS,
  recordError,
  type CollectionConfig,
  type HarvestContext,
  type HarvestOutcome,
  type HarvestTuning,
} from './harvest-context.js';
import { finalizeHarvest } from './finalize.js';
import { openLockedHarvest, recordHarvestStart } from './locked-harvest.js';
import { JsonLog } from './log.js';
import { HarvestStopping, StopController } from './stop.js';
import { runStreamGroup } from './stream-group/run-stream-group.js';

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
  /** How often a filter collection's group of one reads its config again for edits and stops. */
  readonly syncMs?: number;
  readonly tuning?: Partial<HarvestTuning>;
  readonly stop?: StopController;
  readonly ssmPath?: string;
}

export async function runHarvest(options: HarvestOptions): Promise<HarvestOutcome> {
  const store = await openArchiveStore(options.archive);
  const config = await readConfig(store, options.collectionId);
  if (await streamComplete(store, config.id, config)) {
    // Complete already (a relaunch, or a harvest started by hand): no lock, no empty harvest, last_harvest.json kept.
    const log = new JsonLog(options.writeLog, { collection: config.id });
    log.info('max_records was reached by earlier harvests; the collection is complete and nothing is harvested', {
      max_records: config.max_records,
    });
    return 'completed';
  }
  const credentials = await resolveCredentials(config.credentials, {
    env: options.env,
    ...(options.ssmPath !== undefined ? { ssmPath: options.ssmPath } : {}),
  });
  const collector = collectorOf(config.type);
  if (collector === IN_STREAM_GROUP) return streamAlone(store, config, credentials, options);
  const { context, lock, lease, endWatch } = await openLockedHarvest({
    store,
    config,
    credentials,
    env: options.env,
    writeLog: options.writeLog,
    ...(options.apiBaseUrl !== undefined ? { apiBaseUrl: options.apiBaseUrl } : {}),
    ...(options.tuning !== undefined ? { tuning: options.tuning } : {}),
    ...(options.stop !== undefined ? { stop: options.stop } : {}),
    staleAfterMs: options.staleAfterMs ?? HARVEST_DEFAULTS.staleAfterMs,
    stopPollMs: options.stopPollMs ?? HARVEST_DEFAULTS.stopPollMs,
  });
  return runLocked(context, lock, options, { lease, endWatch, collector });
}

/** The harvest proper, holding the lock: serve the control API, collect, finalize, always close. */
async function runLocked(
  context: HarvestContext,
  lock: HeldLock,
  options: HarvestOptions,
  run: { lease: { lost: boolean }; endWatch: () => void; collector: Collector },
): Promise<HarvestOutcome> {
  const { config, harvestId, stop } = context;
  const startedAt = new Date();
  let finalized = false;
  const token = lock.value.control?.token ?? '';
  const control = await startControlServer(options.controlHost ?? '127.0.0.1', options.controlPort ?? 0, {
    token,
    status: () => ({
      collection: config.id,
      harvest_id: harvestId,
      type: config.type,
      started_at: startedAt.toISOString(),
      tweets: context.files.tweets,
      files: context.files.stored.length,
      requests: context.stats.requests,
      reconnects: context.stats.reconnects,
      stopping: stop.stopping,
    }),
    stop: () => {
      stop.stop('requested', 'stop requested through the control API');
    },
    isStopped: () => finalized,
  });
  const advertised = `http://${options.advertiseHost ?? options.controlHost ?? '127.0.0.1'}:${control.port}/`;
  let outcome: HarvestOutcome = 'failed';
  // A user's mistake (revoked credentials, say) ends the harvest completely, then is reported as such.
  let userError: UserError | undefined;
  try {
    try {
      await recordHarvestStart({ context, lock }, startedAt, advertised);
      context.log.info('harvest started', { type: config.type, control: advertised });
      await holdBudget(context);
      if (!stop.stopping) await run.collector(context);
    } catch (error) {
      if (!(error instanceof HarvestStopping)) {
        const message = error instanceof Error ? error.message : String(error);
        recordError(context.stats, context.log.scrub(message));
        stop.stop('failed', context.log.scrub(message));
        if (!(error instanceof UserError)) throw error;
        userError = error;
      }
    } finally {
      run.endWatch();
      outcome = await finalizeHarvest(context, { startedAt, lock, lostLock: () => run.lease.lost, took: lock.value.took_over });
      finalized = true;
    }
  } finally {
    await control.close();
  }
  if (userError) throw userError;
  return outcome;
}

/**
 * A filter collection harvested by itself is a stream group of one: the profile's connection, this
 * collection's rules, its messages into its harvest and those no rule of its matched into the
 * group's unmatched files; the group ends with the harvest.
 */
async function streamAlone(
  store: ArchiveStore,
  config: CollectionConfig,
  credentials: XCredentials,
  options: HarvestOptions,
): Promise<HarvestOutcome> {
  return runStreamGroup({
    profile: config.credentials,
    only: config.id,
    store,
    credentials,
    env: options.env,
    writeLog: options.writeLog,
    stop: options.stop ?? new StopController(),
    ...(options.apiBaseUrl !== undefined ? { apiBaseUrl: options.apiBaseUrl } : {}),
    ...(options.tuning !== undefined ? { tuning: options.tuning } : {}),
    syncMs: options.syncMs ?? HARVEST_DEFAULTS.groupSyncMs,
    staleAfterMs: options.staleAfterMs ?? HARVEST_DEFAULTS.staleAfterMs,
    stopPollMs: options.stopPollMs ?? HARVEST_DEFAULTS.stopPollMs,
    controlHost: options.controlHost ?? '127.0.0.1',
    controlPort: options.controlPort ?? 0,
    ...(options.advertiseHost !== undefined ? { advertiseHost: options.advertiseHost } : {}),
  });
}

async function readConfig(store: ArchiveStore, collectionId: string): Promise<CollectionConfig> {
  const found = await readObject(store, collectionKeys(collectionId).config, 'collection-config');
  if (!found)
    throw new UserError(
      `collection ${collectionId} is not in the archive ${store.location}`,
      'check the id and the archive location; a collection appears there when `twarc-cloud apply` renders it',
    );
  if (found.value.state !== 'active')
    throw new UserError(
      `collection ${collectionId} is ${found.value.state}; only active collections are harvested`,
      'set `state: active` in its YAML file and apply',
    );
  return found.value;
}
