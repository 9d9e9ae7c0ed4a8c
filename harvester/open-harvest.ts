/*
 * Everything one harvest works with, made once it holds the lock: its log, its counters, an X API
 * client that counts into them, the state book, and the tweet files that move the state only after
 * the data it describes is stored.
 */

import { tmpdir } from 'node:os';
import { collectionKeys } from '../platform/archive/keys.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import { secretValues, type XCredentials } from '../platform/credentials/credentials.js';
import { XApiClient } from '../platform/x-api/client.js';
import { resolveApiBaseUrl } from '../platform/x-api/base-url.js';
import {
  newHarvestStats,
  recordError,
  type CollectionConfig,
  type HarvestContext,
  type HarvestStats,
  type HarvestTuning,
} from './harvest-context.js';
import { JsonLog } from './log.js';
import { spoolDirFor, sweepDeadSpools } from './output/spool.js';
import { TweetFiles } from './output/tweet-files.js';
import { StateBook } from './state-book.js';
import { StopController } from './stop.js';

export interface OpenHarvestOptions {
  readonly store: ArchiveStore;
  readonly config: CollectionConfig;
  readonly credentials: XCredentials;
  readonly harvestId: string;
  readonly env: NodeJS.ProcessEnv;
  readonly writeLog: (line: string) => void;
  readonly apiBaseUrl?: string;
  readonly tuning?: Partial<HarvestTuning>;
  readonly stop?: StopController;
  /** Set once the lock was taken over: from then on, state is no longer this harvest's to write. */
  readonly lease: { readonly lost: boolean };
}

export const DEFAULT_TUNING: HarvestTuning = {
  concurrency: 8,
  streamSilenceMs: 25_000,
  backoffScale: 1,
  rateLimitMarginMs: 1000,
  requestTimeoutMs: 60_000,
};

export async function openHarvest(options: OpenHarvestOptions): Promise<HarvestContext> {
  const { store, config, credentials, harvestId, lease } = options;
  const log = new JsonLog(options.writeLog, { collection: config.id, harvest_id: harvestId });
  log.redact(secretValues(credentials));
  const stats: HarvestStats = newHarvestStats();
  const tuning: HarvestTuning = { ...DEFAULT_TUNING, ...options.tuning };
  const client = countingClient({
    credentials,
    env: options.env,
    tuning,
    stats,
    log,
    ...(options.apiBaseUrl !== undefined ? { apiBaseUrl: options.apiBaseUrl } : {}),
  });
  const state = await StateBook.load(store, config.id, harvestId);
  const keys = collectionKeys(config.id).harvest(harvestId);
  const spool = options.env['TWARC_CLOUD_SPOOL'] ?? tmpdir();
  const swept = await sweepDeadSpools(spool);
  if (swept.length > 0) log.info('removed the spool folders of harvests that were killed', { folders: swept });
  const spoolDir = spoolDirFor(spool, config.id, harvestId);
  const files = new TweetFiles({
    store,
    fileKey: keys.tweets,
    tweetsPerFile: config.output.tweets_per_file,
    rotateMs: config.output.rotate_minutes * 60_000,
    spoolDir,
    onStored: async (file, checkpoints) => {
      for (const checkpoint of checkpoints) checkpoint();
      if (file) {
        state.countStored(file.tweets);
        log.info('tweet file stored', { file: file.name, tweets: file.tweets, bytes: file.bytes });
      }
      if (!lease.lost) await state.save();
    },
  });
  return {
    config,
    harvestId,
    store,
    keys,
    client,
    credentials,
    files,
    state,
    stats,
    log,
    stop: options.stop ?? new StopController(),
    tuning,
  };
}

/** An X API client whose requests, rate-limit waits and retries are counted into `stats` and logged. */
export function countingClient(options: {
  readonly credentials: XCredentials;
  readonly env: NodeJS.ProcessEnv;
  readonly apiBaseUrl?: string;
  readonly tuning: HarvestTuning;
  readonly stats: HarvestStats;
  readonly log: JsonLog;
}): XApiClient {
  const { stats, log, tuning } = options;
  return new XApiClient({
    baseUrl: resolveApiBaseUrl(options.apiBaseUrl, options.env),
    credentials: options.credentials,
    backoffScale: tuning.backoffScale,
    rateLimitMarginMs: tuning.rateLimitMarginMs,
    timeoutMs: tuning.requestTimeoutMs,
    events: {
      request: (endpoint) => (stats.requests[endpoint] = (stats.requests[endpoint] ?? 0) + 1),
      answer: (endpoint, body) => {
        stats.billing.answer(endpoint, body);
      },
      rateLimitWait: (endpoint, ms) => {
        stats.rateLimitWaits.count += 1;
        stats.rateLimitWaits.seconds += Math.max(0, ms) / 1000;
        log.info('rate limit reached; waiting for the window to reset', { endpoint, wait_ms: Math.max(0, ms) });
      },
      retry: (endpoint, problem, attempt, waitMs) => {
        recordError(stats, `${problem} (attempt ${attempt}; retrying in ${waitMs} ms)`, endpoint);
        log.warn('request failed; retrying', { endpoint, problem, attempt, wait_ms: waitMs });
      },
    },
  });
}
