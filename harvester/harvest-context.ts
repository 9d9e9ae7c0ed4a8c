import type { ArchiveObjects } from '../platform/archive/objects.js';
import type { HarvestKeys } from '../platform/archive/keys.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import { postIdsOf } from '../platform/archive/harvest-files.js';
import type { XCredentials } from '../platform/credentials/credentials.js';
import type { XApiClient, Page } from '../platform/x-api/client.js';
import { BillingMeter } from './billing-meter.js';
import type { JsonLog } from './log.js';
import { pageLine, twarcMetadata } from './output/twarc-line.js';
import type { Checkpoint, TweetFiles } from './output/tweet-files.js';
import type { StateBook } from './state-book.js';
import type { StopController } from './stop.js';

export type CollectionConfig = ArchiveObjects['collection-config'];

/** The config of a collection of one type, with the fields that type requires; a collector given another type is a bug. */
export function configOfType<T extends CollectionConfig['type']>(
  config: CollectionConfig,
  type: T,
): Extract<CollectionConfig, { type: T }> {
  if (config.type !== type) throw new Error(`a ${type} collector was given collection ${config.id}, of type ${config.type}`);
  return config as Extract<CollectionConfig, { type: T }>;
}

/** What a harvest and a stream group do where their command says nothing else (ECS, schedules). */
export const HARVEST_DEFAULTS = {
  /** A lock whose heartbeat is older than this counts as abandoned (`--stale-after`). */
  staleAfterMs: 300_000,
  /** How often a running harvest looks for a stop request in the archive. */
  stopPollMs: 10_000,
  /** How often a stream group reads its members again for joins, edits and leaves (`--sync`). */
  groupSyncMs: 15_000,
} as const;

export type HarvestRecord = ArchiveObjects['harvest'];

/** How a harvest ended: completed (max_records counts as completed), stopped on request or by a signal, or failed. */
export type HarvestOutcome = 'completed' | 'stopped' | 'failed';

/** Counters that end up in harvest.json and on the control API's GET /. */
export interface HarvestStats {
  readonly requests: Record<string, number>;
  readonly rateLimitWaits: { count: number; seconds: number };
  reconnects: number;
  readonly errors: HarvestRecord['errors'];
  /** Stretches the collection asked for that X would no longer serve. */
  readonly gaps: NonNullable<HarvestRecord['gaps']>;
  /** What X charges for: the resources read, by kind. */
  readonly billing: BillingMeter;
}

/** Counters of a harvest that has made no request yet. */
export function newHarvestStats(): HarvestStats {
  return { requests: {}, rateLimitWaits: { count: 0, seconds: 0 }, reconnects: 0, errors: [], gaps: [], billing: new BillingMeter() };
}

/** Everything a collector needs, in one place: what to harvest, where from, where to. */
export interface HarvestContext {
  readonly config: CollectionConfig;
  readonly harvestId: string;
  readonly store: ArchiveStore;
  readonly keys: HarvestKeys;
  readonly client: XApiClient;
  readonly credentials: XCredentials;
  readonly files: TweetFiles;
  readonly state: StateBook;
  readonly stats: HarvestStats;
  readonly log: JsonLog;
  readonly stop: StopController;
  readonly tuning: HarvestTuning;
}

/** Knobs with production defaults; tests shrink the times. */
export interface HarvestTuning {
  /** Timelines fetched at once, as far as the rate limit lets them go. */
  readonly concurrency: number;
  /** A stream quiet for this long is treated as disconnected (X sends keep-alives every 20 s). */
  readonly streamSilenceMs: number;
  readonly backoffScale: number;
  /** Waited past each rate-limit reset second, for clocks that disagree with X's. */
  readonly rateLimitMarginMs: number;
  /** A REST request without an answer for this long is retried. */
  readonly requestTimeoutMs: number;
}

export function recordError(stats: HarvestStats, message: string, endpoint?: string): void {
  if (stats.errors.length < 1000)
    stats.errors.push({ at: new Date().toISOString(), message, ...(endpoint !== undefined ? { endpoint } : {}) });
}

/** Writes a page that has tweets, as a twarc2 line; a page without `data` is never written. */
export function writePage(context: HarvestContext, page: Page, tweets: number, checkpoint?: Checkpoint): Promise<void> | undefined {
  return context.files.append(pageLine(page.body, twarcMetadata(page.url, new Date())), tweets, checkpoint, { ids: postIdsOf(page.body) });
}
