/*
 * What a person watching harvests on a terminal sees, one line each, in the manner of twarc2's and
 * pip's progress: posts stored, requests, rate-limit waits with the time left in the window, and
 * for a stream its connection and posts per minute. Built from two sources the harvest already
 * has: its JSON log lines (waits, connection, the end) and its control API's counters (posts and
 * requests so far). Pure: the clock is passed in, and the terminal is progress-view.ts's.
 */

interface Tally {
  readonly id: string;
  startedAt: number | undefined;
  posts: number;
  requests: number;
  waits: number;
  waitingUntil: number | undefined;
  connection: 'connecting' | 'connected' | 'reconnecting' | undefined;
  /** (time, posts) samples of the last minute, for a stream's rate. */
  readonly samples: Array<{ readonly at: number; readonly posts: number }>;
  ended: string | undefined;
}

const RATE_WINDOW_MS = 60_000;

export interface ProgressOptions {
  /**
   * A harvest leaves the progress lines once its end is said (`up`, where harvests come and go);
   * otherwise its last state stays (`run`, which ends with it).
   */
  readonly dropEnded?: boolean;
}

export class HarvestProgress {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    ids: readonly string[],
    private readonly options: ProgressOptions = {},
  ) {
    for (const id of ids) this.tallyOf(id);
  }

  /** The harvests shown and not ended: those whose control API is worth asking. */
  running(): string[] {
    return [...this.tallies.values()].filter((t) => t.ended === undefined).map((t) => t.id);
  }

  /**
   * Reads one of a harvest's log lines. Returns what a person should see of it as a line of its
   * own (a warning, an error, the end), or undefined when the progress line says it all.
   */
  logLine(line: string, now: number): string | undefined {
    const entry = parseLogLine(line);
    if (!entry) return line.trim() === '' ? undefined : line;
    const id = typeof entry['collection'] === 'string' ? entry['collection'] : undefined;
    const tally = id === undefined ? undefined : this.tallyOf(id);
    const message = text(entry['message'], '');
    if (tally) {
      tally.startedAt ??= now;
      if (message === 'rate limit reached; waiting for the window to reset') {
        tally.waits += 1;
        tally.waitingUntil = now + Math.max(0, Number(entry['wait_ms'] ?? 0));
      }
      if (message === 'harvest started in its stream group') tally.connection = 'connecting';
      if (message === 'harvest ended') {
        tally.ended = text(entry['outcome'], 'ended');
        tally.posts = Number(entry['tweets'] ?? tally.posts);
        tally.requests = requestCount(entry['requests']) ?? tally.requests;
        if (this.options.dropEnded === true) this.tallies.delete(tally.id);
        return `${tally.id}: harvest ${tally.ended}, ${formatCount(tally.posts)} posts stored${typeof entry['reason'] === 'string' ? ` (${entry['reason']})` : ''}`;
      }
    }
    if (message === 'stream connected') for (const t of this.streams()) t.connection = 'connected';
    if (message === 'stream disconnected; reconnecting') for (const t of this.streams()) t.connection = 'reconnecting';
    const level = text(entry['level'], 'info');
    if (level === 'warn' || level === 'error') return `${id ?? text(entry['stream_group'], 'stream')}: ${level}: ${message}`;
    return undefined;
  }

  /** The counters a harvest's control API answered with (GET /). */
  counters(id: string, live: Readonly<Record<string, unknown>>, now: number): void {
    const tally = this.tallyOf(id);
    tally.startedAt ??= typeof live['started_at'] === 'string' ? Date.parse(live['started_at']) : now;
    if (typeof live['tweets'] === 'number') tally.posts = live['tweets'];
    tally.requests = requestCount(live['requests']) ?? tally.requests;
    if (typeof live['stream_group'] === 'string') tally.connection ??= 'connecting';
    tally.samples.push({ at: now, posts: tally.posts });
    while ((tally.samples[0]?.at ?? now) < now - RATE_WINDOW_MS) tally.samples.shift();
  }

  /** One line per harvest, as of `now`. */
  lines(now: number): string[] {
    if (this.tallies.size === 0) return [];
    const width = Math.max(...[...this.tallies.keys()].map((id) => id.length));
    return [...this.tallies.values()].map((tally) => `${tally.id.padEnd(width)}  ${this.detail(tally, now)}`);
  }

  private detail(tally: Tally, now: number): string {
    if (tally.startedAt === undefined) return 'starting';
    const parts = [plural(tally.posts, 'post')];
    if (tally.connection !== undefined) {
      if (tally.ended === undefined) parts.unshift(tally.connection);
      parts.push(`${formatCount(this.perMinute(tally))} posts/min`);
    } else parts.push(plural(tally.requests, 'request'), plural(tally.waits, 'rate-limit wait'));
    if (tally.waitingUntil !== undefined && tally.waitingUntil > now && tally.ended === undefined)
      parts.push(`rate limit: ${clock(tally.waitingUntil - now)} left`);
    parts.push(tally.ended ?? clock(now - tally.startedAt));
    return parts.join(' · ');
  }

  private perMinute(tally: Tally): number {
    const first = tally.samples[0];
    const last = tally.samples[tally.samples.length - 1];
    if (!first || !last || last.at - first.at < 1000) return 0;
    return Math.round(((last.posts - first.posts) / (last.at - first.at)) * 60_000);
  }

  private streams(): Tally[] {
    return [...this.tallies.values()].filter((t) => t.connection !== undefined && t.ended === undefined);
  }

  private tallyOf(id: string): Tally {
    let tally = this.tallies.get(id);
    if (!tally) {
      tally = {
        id,
        startedAt: undefined,
        posts: 0,
        requests: 0,
        waits: 0,
        waitingUntil: undefined,
        connection: undefined,
        samples: [],
        ended: undefined,
      };
      this.tallies.set(id, tally);
    }
    return tally;
  }
}

/** The requests of a harvest's by-endpoint tally ({ "tweets/search/recent": 3, ... }), in all. */
function requestCount(requests: unknown): number | undefined {
  if (requests === null || typeof requests !== 'object') return undefined;
  return Object.values(requests).reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
}

function parseLogLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown, otherwise: string): string {
  return typeof value === 'string' ? value : otherwise;
}

function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** m:ss, or h:mm:ss from an hour on. */
function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
