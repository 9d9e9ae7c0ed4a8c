import type { ChildProcess } from 'node:child_process';
import { HARVEST_EXIT } from '../../platform/harvest-exit.js';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { nextCronTime, ratePeriodMs } from '../schedule/next-fire.js';
import { parseSchedule } from '../schedule/schedule-expression.js';
import type { IndexEntry } from '../targets/target.js';

export interface RunnerOptions {
  readonly store: ArchiveStore;
  /** Starts `twarc-cloud harvest <id>` for this archive. */
  readonly startHarvest: (collectionId: string) => ChildProcess;
  /** Starts `twarc-cloud harvest-group <profile>` for this archive: the stream of a profile's filter collections. */
  readonly startGroup: (profile: string) => ChildProcess;
  readonly log: (message: string) => void;
  /** Base of the restart backoff of a crashed stream: 1, 2, 4 ... 60 times this. */
  readonly restartBaseMs: number;
}

interface Stream {
  child: ChildProcess | undefined;
  /** The group's members when it last started or changed: a change brings a finished group back. */
  members: string;
  failures: number;
  restartAt: number;
  /** Ended on its own with success (max_records reached, or stopped on request): not restarted. */
  finished: boolean;
}

/**
 * The local target's runtime, as ECS and EventBridge are on AWS: follows the applied configs in
 * the archive (collections.json), fires schedules, keeps one stream group process per credentials
 * profile with active filter collections (restarting a crashed one with backoff; the group itself
 * follows joins, edits and leaves without reconnecting), and stops what is no longer active.
 * `sync` reads the archive; `tick` acts on the clock.
 */
export class LocalRunner {
  private entries: Readonly<Record<string, IndexEntry>> = {};
  private readonly streams = new Map<string, Stream>();
  private readonly nextRun = new Map<string, { schedule: string; at: number }>();
  private readonly scheduled = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(private readonly options: RunnerOptions) {}

  /** Re-reads the applied configs and starts or stops stream groups to match. */
  async sync(): Promise<void> {
    const index = await readObject(this.options.store, COLLECTIONS_INDEX_KEY, 'collections-index');
    this.entries = index?.value.collections ?? {};
    const groups = await this.streamGroups();
    for (const [profile, stream] of this.streams) {
      if (groups.has(profile)) continue;
      this.options.log(`stream group ${profile}: no active filter collections left; stopping its stream`);
      this.streams.delete(profile);
      await stopChild(stream.child);
    }
    for (const [profile, members] of groups) {
      const stream = this.streams.get(profile);
      if (!stream) this.streams.set(profile, { child: undefined, members, failures: 0, restartAt: 0, finished: false });
      else if (stream.members !== members) {
        stream.members = members;
        stream.finished = false;
      }
    }
    for (const id of this.nextRun.keys()) {
      const entry = this.entries[id];
      if (entry?.state !== 'active' || entry.schedule === undefined) this.nextRun.delete(id);
    }
    for (const [id, entry] of Object.entries(this.entries)) {
      if (
        entry.type !== 'filter' &&
        entry.state === 'active' &&
        entry.schedule !== undefined &&
        this.nextRun.get(id)?.schedule !== entry.schedule
      ) {
        this.nextRun.set(id, { schedule: entry.schedule, at: await this.firstRun(id, entry.schedule) });
      }
    }
  }

  /** Starts what is due: streams that should run, schedules whose time has come. */
  tick(now = Date.now()): void {
    if (this.stopping) return;
    for (const [id, stream] of this.streams) {
      if (stream.child || stream.finished || now < stream.restartAt) continue;
      this.startStream(id, stream);
    }
    for (const [id, next] of this.nextRun) {
      if (now < next.at) continue;
      const parsed = parseSchedule(next.schedule);
      next.at =
        parsed.ok && parsed.schedule.kind === 'cron'
          ? (nextCronTime(parsed.schedule, new Date(now))?.getTime() ?? Infinity)
          : now + (parsed.ok && parsed.schedule.kind === 'rate' ? ratePeriodMs(parsed.schedule) : Infinity);
      if (this.scheduled.has(id)) {
        this.options.log(`${id}: the previous scheduled harvest is still running; skipping this one`);
        continue;
      }
      this.options.log(`${id}: scheduled harvest (${next.schedule})`);
      const child = this.options.startHarvest(id);
      this.scheduled.set(id, child);
      child.once('exit', () => this.scheduled.delete(id));
    }
  }

  /** Stops every harvest gracefully (SIGTERM: each finalizes its files, state and lock). */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([
      ...[...this.streams.values()].map((s) => stopChild(s.child)),
      ...[...this.scheduled.values()].map((c) => stopChild(c)),
    ]);
  }

  /** Active filter collections by stream group (credentials profile), as a sorted list of ids each. */
  private async streamGroups(): Promise<Map<string, string>> {
    const groups = new Map<string, string[]>();
    for (const [id, entry] of Object.entries(this.entries)) {
      if (entry.type !== 'filter' || entry.state !== 'active' || entry.complete === true) continue;
      // An index written before stream groups names none: the applied config says whose it is.
      const profile =
        entry.stream_group ?? (await readObject(this.options.store, collectionKeys(id).config, 'collection-config'))?.value.credentials;
      if (profile !== undefined) groups.set(profile, [...(groups.get(profile) ?? []), id]);
    }
    return new Map([...groups].map(([profile, ids]) => [profile, ids.sort().join(',')]));
  }

  private startStream(profile: string, stream: Stream): void {
    const id = `stream group ${profile}`;
    this.options.log(`${id}: starting its stream (${stream.members})${stream.failures > 0 ? ` (restart ${stream.failures})` : ''}`);
    const child = this.options.startGroup(profile);
    stream.child = child;
    child.once('exit', (code) => {
      if (this.streams.get(profile) !== stream || stream.child !== child) return;
      stream.child = undefined;
      if (code === HARVEST_EXIT.ok) {
        stream.finished = true;
        this.options.log(`${id}: stream harvest ended`);
      } else {
        stream.failures += code === HARVEST_EXIT.lockHeld ? 0 : 1;
        const wait = Math.min(60, 2 ** Math.max(0, stream.failures - 1)) * this.options.restartBaseMs;
        stream.restartAt = Date.now() + wait;
        this.options.log(`${id}: stream harvest exited with ${String(code)}; restarting in ${Math.round(wait / 1000)} s`);
      }
    });
  }

  /**
   * A collection never harvested runs at once (its first harvest, as apply starts it on AWS); after
   * that, a rate schedule runs when its last harvest is older than one period, a cron one at its next time.
   */
  private async firstRun(id: string, schedule: string): Promise<number> {
    const parsed = parseSchedule(schedule);
    const now = Date.now();
    if (!parsed.ok) return Infinity;
    const last = await readObject(this.options.store, collectionKeys(id).lastHarvest, 'last-harvest');
    if (!last) return now;
    if (parsed.schedule.kind === 'cron') return nextCronTime(parsed.schedule, new Date(now))?.getTime() ?? Infinity;
    return Math.max(now, Date.parse(last.value.ended_at) + ratePeriodMs(parsed.schedule));
  }
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}
