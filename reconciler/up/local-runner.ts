import type { ChildProcess } from 'node:child_process';
import { HARVEST_EXIT } from '../../platform/harvest-exit.js';
import { newestComplianceRun } from '../../platform/archive/compliance-runs.js';
import { COLLECTIONS_INDEX_KEY, collectionKeys, harvestStartOf } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { nextCronTime, ratePeriodMs } from '../schedule/next-fire.js';
import { parseSchedule } from '../schedule/schedule-expression.js';
import type { IndexEntry } from '../target.js';

export interface RunnerOptions {
  readonly store: ArchiveStore;
  /** Starts `twarc-cloud harvest <id>` for this archive. */
  readonly startHarvest: (collectionId: string) => ChildProcess;
  /** Starts `twarc-cloud harvest-group <profile>` for this archive: the stream of a profile's filter collections. */
  readonly startGroup: (profile: string) => ChildProcess;
  /** Starts `twarc-cloud compliance <id>` for this archive: a scheduled compliance check. */
  readonly startCompliance: (collectionId: string) => ChildProcess;
  readonly log: (message: string) => void;
  /** Base of the restart backoff of a crashed stream: 1, 2, 4 ... 60 times this. */
  readonly restartBaseMs: number;
}

/** What a schedule runs: a harvest, or a compliance check of what the harvests stored. */
type ScheduledJob = 'harvest' | 'compliance';

interface NextRun {
  readonly job: ScheduledJob;
  readonly id: string;
  readonly schedule: string;
  at: number;
}

function runKey(job: ScheduledJob, id: string): string {
  return `${job} ${id}`;
}

interface Stream {
  child: ChildProcess | undefined;
  /** The group's members when it last started or changed, with their config hashes: a change (an edit too) brings a finished group back. */
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
  /** By runKey: each collection's harvest schedule and compliance schedule run apart. */
  private readonly nextRun = new Map<string, NextRun>();
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
    const wanted = this.schedules();
    for (const key of this.nextRun.keys()) if (!wanted.has(key)) this.nextRun.delete(key);
    for (const [key, { job, id, schedule }] of wanted) {
      if (this.nextRun.get(key)?.schedule !== schedule)
        this.nextRun.set(key, { job, id, schedule, at: await this.firstRun(job, id, schedule) });
    }
  }

  /** The schedules the index asks for: harvests of active scheduled collections, compliance checks of any not removed. */
  private schedules(): Map<string, Omit<NextRun, 'at'>> {
    const wanted = new Map<string, Omit<NextRun, 'at'>>();
    for (const [id, entry] of Object.entries(this.entries)) {
      if (entry.type !== 'filter' && entry.state === 'active' && entry.schedule !== undefined)
        wanted.set(runKey('harvest', id), { job: 'harvest', id, schedule: entry.schedule });
      if (entry.state !== 'removed' && entry.compliance_schedule !== undefined)
        wanted.set(runKey('compliance', id), { job: 'compliance', id, schedule: entry.compliance_schedule });
    }
    return wanted;
  }

  /** Starts what is due: streams that should run, schedules whose time has come. */
  tick(now = Date.now()): void {
    if (this.stopping) return;
    for (const [id, stream] of this.streams) {
      if (stream.child || stream.finished || now < stream.restartAt) continue;
      this.startStream(id, stream);
    }
    // Harvests first: a check due at the same time waits for the harvest of its collection.
    const harvestsFirst = [...this.nextRun].sort(([, a], [, b]) => (a.job === b.job ? 0 : a.job === 'harvest' ? -1 : 1));
    for (const [key, next] of harvestsFirst) {
      if (now < next.at) continue;
      // A check waits for a harvest of its collection that is running: it would miss what that one stores.
      if (next.job === 'compliance' && this.scheduled.has(runKey('harvest', next.id))) continue;
      const parsed = parseSchedule(next.schedule);
      next.at =
        parsed.ok && parsed.schedule.kind === 'cron'
          ? (nextCronTime(parsed.schedule, new Date(now))?.getTime() ?? Infinity)
          : now + (parsed.ok && parsed.schedule.kind === 'rate' ? ratePeriodMs(parsed.schedule) : Infinity);
      const what = next.job === 'harvest' ? 'harvest' : 'compliance check';
      if (this.scheduled.has(key)) {
        this.options.log(`${next.id}: the previous scheduled ${what} is still running; skipping this one`);
        continue;
      }
      this.options.log(`${next.id}: scheduled ${what} (${next.schedule})`);
      const child = next.job === 'harvest' ? this.options.startHarvest(next.id) : this.options.startCompliance(next.id);
      this.scheduled.set(key, child);
      child.once('exit', () => this.scheduled.delete(key));
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

  /** Active filter collections by stream group (credentials profile), as a sorted list of `<id>@<hash>` each. */
  private async streamGroups(): Promise<Map<string, string>> {
    const groups = new Map<string, string[]>();
    for (const [id, entry] of Object.entries(this.entries)) {
      if (entry.type !== 'filter' || entry.state !== 'active' || entry.complete === true) continue;
      // An index written before stream groups names none: the applied config says whose it is.
      const profile =
        entry.stream_group ?? (await readObject(this.options.store, collectionKeys(id).config, 'collection-config'))?.value.credentials;
      if (profile !== undefined) groups.set(profile, [...(groups.get(profile) ?? []), `${id}@${entry.hash.slice(0, 8)}`]);
    }
    return new Map([...groups].map(([profile, ids]) => [profile, ids.sort().join(',')]));
  }

  private startStream(profile: string, stream: Stream): void {
    const id = `stream group ${profile}`;
    const members = stream.members.replace(/@[0-9a-f]+/g, '');
    this.options.log(`${id}: starting its stream (${members})${stream.failures > 0 ? ` (restart ${stream.failures})` : ''}`);
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
   * A collection never harvested (or never checked) runs at once (its first harvest, as apply starts
   * it on AWS); after that, a rate schedule runs when its last run is older than one period, a cron
   * one at its next time.
   */
  private async firstRun(job: ScheduledJob, id: string, schedule: string): Promise<number> {
    const parsed = parseSchedule(schedule);
    const now = Date.now();
    if (!parsed.ok) return Infinity;
    const last = await this.lastRun(job, id);
    if (last === undefined) return now;
    if (parsed.schedule.kind === 'cron') return nextCronTime(parsed.schedule, new Date(now))?.getTime() ?? Infinity;
    return Math.max(now, last + ratePeriodMs(parsed.schedule));
  }

  /** When the job last ran for the collection: its last harvest's end, or its newest compliance run's start. */
  private async lastRun(job: ScheduledJob, id: string): Promise<number | undefined> {
    if (job === 'compliance') {
      const run = await newestComplianceRun(this.options.store, id);
      return run === undefined ? undefined : Date.parse(harvestStartOf(run));
    }
    const last = await readObject(this.options.store, collectionKeys(id).lastHarvest, 'last-harvest');
    return last ? Date.parse(last.value.ended_at) : undefined;
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
