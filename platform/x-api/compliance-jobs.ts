/*
 * X's batch compliance jobs (docs.x.com, "Batch compliance"): create a job of one type (tweets or
 * users), PUT the ids as plain text to its signed upload URL, poll the job until it is complete,
 * then GET its results from the signed download URL: JSON lines, one per id that has an event.
 * The signed URLs point at storage, not at X: nothing of the app's credentials goes with them.
 */

import { UserError } from '../errors.js';
import { sleep } from '../async.js';
import type { XApiClient } from './client.js';
import { problemSummary } from './errors.js';

export type ComplianceJobType = 'tweets' | 'users';

export interface ComplianceJob {
  readonly id: string;
  readonly type: ComplianceJobType;
  readonly status: 'created' | 'in_progress' | 'complete' | 'failed' | 'expired';
  readonly created_at: string;
  readonly upload_url: string;
  readonly download_url: string;
  readonly download_expires_at: string;
}

/** One line of a job's results, as X writes it. */
export interface ComplianceEvent {
  readonly id: string;
  readonly action: string;
  readonly created_at?: string;
  readonly redacted_at?: string;
  readonly reason: string;
}

/** A job failed, expired, or its storage refused an upload or download: nothing was decided about the ids. */
export class ComplianceJobFailed extends UserError {
  constructor(what: string) {
    super(what, 'run the compliance command again: every run submits all ids afresh, and earlier results stay in the archive');
  }
}

/** X allows one unfinished job of each type per app; one from another run (or another tool) is still going. */
export class ComplianceJobBusy extends UserError {
  constructor(type: ComplianceJobType, job: ComplianceJob) {
    super(
      `this app already has an unfinished ${type} compliance job (${job.id}, ${job.status}, created ${job.created_at}); X allows one at a time`,
      'wait until it finishes (an unused job expires 15 minutes after it was created), then run the compliance command again',
    );
  }
}

export interface ComplianceJobOptions {
  readonly name?: string;
  /** Between status checks; X's jobs take minutes to hours. */
  readonly pollMs: number;
  readonly signal?: AbortSignal;
  readonly onStatus?: (job: ComplianceJob) => void;
  /** How long storage may send nothing (before its headers, or between two chunks) before the transfer is given up. */
  readonly storageIdleMs?: number;
}

/** The most a results file may hold: a base, and a kilobyte for each id submitted. */
const RESULTS_BASE_BYTES = 1024 * 1024;
const RESULTS_BYTES_PER_ID = 1024;

/** Storage that sends nothing for this long has stalled: a minute is far past any healthy pause. */
const STORAGE_IDLE_MS = 60_000;

/** Runs one job to the end and returns its results file as X wrote it, with the job. */
export async function runComplianceJob(
  client: XApiClient,
  type: ComplianceJobType,
  ids: readonly string[],
  options: ComplianceJobOptions,
): Promise<{ job: ComplianceJob; results: Buffer }> {
  for (const status of ['created', 'in_progress'] as const) {
    const page = await client.get('compliance/jobs', { type, status }, options.signal ? { signal: options.signal } : {});
    const busy = jobsOf(page.body)[0];
    if (busy) throw new ComplianceJobBusy(type, busy);
  }
  const created = await client.post('compliance/jobs', { type, ...(options.name !== undefined ? { name: options.name } : {}) });
  let job = jobOf(created.body, 'creating a job');
  options.onStatus?.(job);
  const idleMs = options.storageIdleMs ?? STORAGE_IDLE_MS;
  await storage(job.upload_url, 'PUT', `uploading ${ids.length} ${type} ids`, ids.map((id) => `${id}\n`).join(''), options.signal, idleMs);
  while (job.status !== 'complete') {
    await sleep(options.pollMs, options.signal);
    const page = await client.get('compliance/jobs/:id', {}, { pathId: job.id, ...(options.signal ? { signal: options.signal } : {}) });
    job = jobOf(page.body, `reading job ${job.id}`);
    options.onStatus?.(job);
    if (job.status === 'failed' || job.status === 'expired')
      throw new ComplianceJobFailed(`X's ${type} compliance job ${job.id} ended ${job.status}`);
  }
  // One line an id at most, each a few hundred bytes: far more is not an answer about these ids.
  const maxBytes = RESULTS_BASE_BYTES + ids.length * RESULTS_BYTES_PER_ID;
  const results = await storage(
    job.download_url,
    'GET',
    `downloading the results of job ${job.id}`,
    undefined,
    options.signal,
    idleMs,
    maxBytes,
  );
  return { job, results };
}

/** The events in a results file; a line that is not one is a damaged download, refused whole. */
export function parseComplianceResults(text: string, source: string): ComplianceEvent[] {
  const events: ComplianceEvent[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ComplianceJobFailed(`${source}, line ${index + 1}, is not JSON`);
    }
    const event = value as Partial<ComplianceEvent> | null;
    if (typeof event?.id !== 'string' || typeof event.reason !== 'string' || typeof event.action !== 'string')
      throw new ComplianceJobFailed(`${source}, line ${index + 1}, is not a compliance event (id, action, reason)`);
    events.push(event as ComplianceEvent);
  }
  return events;
}

async function storage(
  url: string,
  method: 'PUT' | 'GET',
  what: string,
  body: string | undefined,
  signal: AbortSignal | undefined,
  idleMs: number,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<Buffer> {
  // One timer for the whole transfer, restarted by every chunk: a stall before the headers or in the
  // body ends it with a message, instead of waiting out the HTTP client's own five minutes.
  const stalled = new AbortController();
  let timer = setTimeout(() => {
    stalled.abort();
  }, idleMs);
  const alive = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled.abort();
    }, idleMs);
  };
  const failed = (error: unknown): ComplianceJobFailed =>
    new ComplianceJobFailed(
      stalled.signal.aborted
        ? `${what} failed: storage sent nothing for ${Math.round(idleMs / 1000)} s`
        : `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  let response: Response;
  let bytes: Buffer;
  try {
    // A signed URL carries its own authority: no Authorization header, ever.
    response = await fetch(url, {
      method,
      ...(body !== undefined ? { body, headers: { 'content-type': 'text/plain' } } : {}),
      signal: signal ? AbortSignal.any([signal, stalled.signal]) : stalled.signal,
    });
    bytes = await readBody(response, alive, maxBytes, what);
  } catch (error) {
    if (signal?.aborted === true || error instanceof ComplianceJobFailed) throw error;
    throw failed(error);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    const code = /<Code>([^<]+)<\/Code>/.exec(bytes.toString('utf8'))?.[1];
    throw new ComplianceJobFailed(`${what}: storage answered ${response.status}${code !== undefined ? ` ${code}` : ''}`);
  }
  return bytes;
}

async function readBody(response: Response, alive: () => void, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!response.body) return Buffer.alloc(0);
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    alive();
    size += chunk.length;
    if (size > maxBytes)
      throw new ComplianceJobFailed(
        `${what}: storage sent more than ${maxBytes} bytes, far more than an answer about these ids; nothing is kept`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** What was left out of a results file: lines about ids never submitted, with a reason or action that is not one, or repeated. */
export interface LeftOutLines {
  readonly notSubmitted: number;
  readonly malformed: number;
  readonly repeated: number;
}

/** X's reasons and actions are short words ("deleted", "scrub_geo"); anything else is not kept. */
const WORD = /^[a-z][a-z_]{0,39}$/;

/** The events of a results file that are about the ids submitted, once each, with a reason and action that are words. */
export function checkedEvents(
  events: readonly ComplianceEvent[],
  submitted: ReadonlySet<string>,
): { kept: ComplianceEvent[]; leftOut: LeftOutLines } {
  const kept: ComplianceEvent[] = [];
  const seen = new Set<string>();
  const leftOut = { notSubmitted: 0, malformed: 0, repeated: 0 };
  for (const event of events) {
    if (!submitted.has(event.id)) leftOut.notSubmitted += 1;
    else if (!WORD.test(event.reason) || !WORD.test(event.action)) leftOut.malformed += 1;
    else if (seen.has(event.id)) leftOut.repeated += 1;
    else {
      seen.add(event.id);
      kept.push(event);
    }
  }
  return { kept, leftOut };
}

function jobsOf(body: Record<string, unknown>): ComplianceJob[] {
  const data = body['data'];
  return Array.isArray(data) ? (data as ComplianceJob[]) : [];
}

function jobOf(body: Record<string, unknown>, what: string): ComplianceJob {
  const data = body['data'] as Partial<ComplianceJob> | undefined;
  if (
    typeof data?.id !== 'string' ||
    typeof data.upload_url !== 'string' ||
    typeof data.download_url !== 'string' ||
    typeof data.status !== 'string'
  )
    throw new ComplianceJobFailed(`${what}: X answered without a job (${problemSummary(body)})`);
  return data as ComplianceJob;
}
