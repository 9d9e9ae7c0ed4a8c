/*
 * What `status` shows of a running harvest: its live counters from the control API when it can be
 * reached (a harvest on this machine), else the progress it wrote into its lock at the last
 * heartbeat (an ECS task, which takes no inbound connections).
 */

import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { isDeadLocalProcess } from '../../platform/local-process.js';

export interface RunningHarvest {
  readonly collection: string;
  readonly harvest_id: string;
  readonly holder: string;
  /** The ECS task that runs it, on AWS. */
  readonly task?: string;
  readonly started_at: string;
  readonly heartbeat_at: string;
  /** From the control API, when it answered. */
  readonly live?: Record<string, unknown>;
  /** Its process, on this machine, is gone: the lock is left over (twarc-cloud unlock releases it). */
  readonly dead?: true;
  /** From the lock, as of its last heartbeat; the rate is tweets per minute since the harvest started. */
  readonly progress?: { tweets: number; files: number; bytes: number; at: string; tweets_per_minute: number };
}

export async function runningHarvest(store: ArchiveStore, id: string): Promise<RunningHarvest | undefined> {
  const lock = await readObject(store, collectionKeys(id).lock, 'lock');
  if (!lock) return undefined;
  const { control, progress } = lock.value;
  const dead = isDeadLocalProcess(lock.value.holder);
  const live =
    !dead && control?.url !== undefined && !/^https?:\/\/0\.0\.0\.0[:/]/.test(control.url)
      ? await fetch(control.url, { headers: { authorization: `Bearer ${control.token}` }, signal: AbortSignal.timeout(2000) }).then(
          async (r) => (r.ok ? ((await r.json()) as Record<string, unknown>) : undefined),
          () => undefined,
        )
      : undefined;
  const minutes = progress ? (Date.parse(progress.at) - Date.parse(lock.value.acquired_at)) / 60_000 : 0;
  return {
    collection: id,
    harvest_id: lock.value.harvest_id,
    holder: `${lock.value.holder.host} pid ${lock.value.holder.pid}`,
    ...(lock.value.holder.task !== undefined ? { task: lock.value.holder.task } : {}),
    started_at: lock.value.acquired_at,
    heartbeat_at: lock.value.heartbeat_at,
    ...(live ? { live } : {}),
    ...(dead ? { dead: true as const } : {}),
    ...(progress
      ? { progress: { ...progress, tweets_per_minute: minutes > 0 ? Math.round((progress.tweets / minutes) * 10) / 10 : 0 } }
      : {}),
  };
}

/** One line per running harvest, for people. */
export function runningHarvestLine(running: RunningHarvest): string {
  const { live, progress } = running;
  const detail = running.dead
    ? `not running: its process is gone, and its lock is left over (twarc-cloud unlock ${running.collection} releases it)`
    : live
      ? `${String(live['tweets'])} tweets, ${String(live['files'])} files${streamDetail(live)}${live['stopping'] === true ? ', stopping' : ''}`
      : progress
        ? `${progress.tweets} tweets, ${progress.files} files, ${humanBytes(progress.bytes)} stored; ${progress.tweets_per_minute} tweets/min (as of ${progress.at})`
        : `last heartbeat ${running.heartbeat_at}; no progress reported yet`;
  return `${running.collection}  harvest ${running.harvest_id} on ${running.holder}  ${detail}`;
}

function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? String(value) : value.toFixed(1)} ${units[unit] ?? 'B'}`;
}

/** A stream's connection as its harvest reports it: its group, and the stretches it has lost so far. */
function streamDetail(live: Record<string, unknown>): string {
  const group = typeof live['stream_group'] === 'string' ? `, stream group ${live['stream_group']}` : '';
  const gaps = typeof live['gaps'] === 'number' && live['gaps'] > 0 ? `, ${live['gaps']} gap${live['gaps'] === 1 ? '' : 's'} so far` : '';
  return `${group}${gaps}`;
}
