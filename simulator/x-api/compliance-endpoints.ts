/*
 * X's batch compliance jobs, as its documentation describes them (docs.x.com, "Batch compliance"):
 *  - POST /2/compliance/jobs `{"type": "tweets"|"users", "name"?, "resumable"?}` (app-only) answers
 *    the job: `id`, `type`, `name`, `status: "created"`, `upload_url` (signed, 15 minutes),
 *    `upload_expires_at`, `download_url` (signed, a week from creation), `download_expires_at`,
 *    `created_at`, `resumable`. One job of each type may be unfinished at a time.
 *  - The upload is a PUT of a plain-text file, one id per line, to `upload_url`, which is a signed
 *    storage URL: no X credentials go with it (storage refuses a request that carries an
 *    Authorization header besides the signature).
 *  - GET /2/compliance/jobs/:id and GET /2/compliance/jobs?type= report `status`: created,
 *    in_progress, complete, failed or expired.
 *  - The results at `download_url` are JSON lines, one per id that has a compliance event (ids
 *    without one are not listed): `id`, `action: "delete"`, `created_at`, `redacted_at` (absent
 *    for some, as in twarc-csv's captured results), `reason` (deleted, suspended, protected,
 *    deactivated, scrub_geo).
 * Storage lives on this server under /storage/, standing in for storage.googleapis.com.
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tweetTime } from '../../platform/x-api/snowflake.js';
import { invalidParameter, invalidRequest, type Reply } from './parameters.js';

export type ComplianceReason = 'deleted' | 'suspended' | 'protected' | 'deactivated' | 'scrub_geo';
type JobType = 'tweets' | 'users';
type JobStatus = 'created' | 'in_progress' | 'complete' | 'failed' | 'expired';

export interface ComplianceScenario {
  /** How long a job stays in_progress after its upload. */
  readonly processingMs?: number;
}

interface Job {
  readonly id: string;
  readonly app: string;
  readonly type: JobType;
  readonly name: string | undefined;
  readonly resumable: boolean;
  readonly createdAt: number;
  readonly signature: string;
  status: JobStatus;
  uploadedIds: string[] | undefined;
  completeAt: number | undefined;
}

const UPLOAD_MS = 15 * 60_000;
const DOWNLOAD_MS = 7 * 24 * 3_600_000;

export class ComplianceService {
  /** What X knows happened to tweets and users since they were collected; tests mark them. */
  private readonly events = { tweets: new Map<string, ComplianceReason>(), users: new Map<string, ComplianceReason>() };
  private readonly jobs = new Map<string, Job>();
  private nextId = 1460000000000000000n;
  /** Every upload received, with its headers: tests check no credential went to storage. */
  readonly uploads: Array<{ jobId: string; contentType: string | undefined; authorization: boolean; ids: number }> = [];
  private stallResultsMs: number | undefined;
  private extraResultLines: readonly string[] = [];

  constructor(
    private readonly scenario: ComplianceScenario,
    private readonly now: () => number,
    private readonly storageBase: () => string,
  ) {}

  mark(type: JobType, id: string, reason: ComplianceReason): void {
    this.events[type].set(id, reason);
  }

  create(app: string, body: unknown): Reply {
    const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const type = request['type'];
    if (type !== 'tweets' && type !== 'users')
      return invalidParameter('type', String(type), `The \`type\` body parameter value [${String(type)}] is not one of [tweets,users]`);
    const name = request['name'];
    if (name !== undefined && (typeof name !== 'string' || name.length > 64))
      return invalidParameter('name', JSON.stringify(name), 'The `name` body parameter must be a string of at most 64 characters');
    this.advance();
    const unfinished = [...this.jobs.values()].find(
      (j) => j.app === app && j.type === type && (j.status === 'created' || j.status === 'in_progress'),
    );
    // X allows one concurrent job per type; the wording of its refusal is not captured, the rule is documented.
    if (unfinished)
      return invalidRequest([
        {
          parameters: { type: [type] },
          message: `There is already an active ${type} compliance job (${unfinished.id}); one is allowed at a time`,
        },
      ]);
    const job: Job = {
      id: String(this.nextId++),
      app,
      type,
      name,
      resumable: request['resumable'] === true,
      createdAt: this.now(),
      signature: randomBytes(16).toString('hex'),
      status: 'created',
      uploadedIds: undefined,
      completeAt: undefined,
    };
    this.jobs.set(job.id, job);
    return { status: 200, body: { data: this.describe(job) } };
  }

  get(app: string, id: string): Reply {
    this.advance();
    const job = this.jobs.get(id);
    if (!job || job.app !== app)
      return {
        status: 200,
        body: {
          errors: [
            {
              value: id,
              detail: `Could not find compliance job with id: [${id}].`,
              title: 'Not Found Error',
              resource_type: 'compliance_job',
              parameter: 'id',
              resource_id: id,
              type: 'https://api.twitter.com/2/problems/resource-not-found',
            },
          ],
        },
      };
    return { status: 200, body: { data: this.describe(job) } };
  }

  list(app: string, query: URLSearchParams): Reply {
    const type = query.get('type');
    if (type !== 'tweets' && type !== 'users')
      return invalidParameter('type', type ?? '', `The \`type\` query parameter value [${type ?? ''}] is not one of [tweets,users]`);
    this.advance();
    const status = query.get('status');
    const jobs = [...this.jobs.values()].filter((j) => j.app === app && j.type === type && (status === null || j.status === status));
    return {
      status: 200,
      body:
        jobs.length > 0 ? { data: jobs.map((j) => this.describe(j)), meta: { result_count: jobs.length } } : { meta: { result_count: 0 } },
    };
  }

  /** From now on, results files end with these lines too (what a broken or hostile storage might send); [] ends it. */
  appendToResults(lines: readonly string[]): void {
    this.extraResultLines = lines;
  }

  /** Lets every job that was never uploaded to expire now, as X does 15 minutes after it was made. */
  expireUnused(): void {
    for (const job of this.jobs.values()) if (job.status === 'created') job.status = 'expired';
  }

  /** From now on, results downloads send their headers, then nothing for `ms` (a stalled transfer); undefined ends it. */
  stallResults(ms: number | undefined): void {
    this.stallResultsMs = ms;
  }

  /** Storage: the signed upload and download URLs. True when the request was storage's to answer. */
  async storage(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const match = /^\/storage\/compliance\/(\d+)\/(submission|results)$/.exec(url.pathname);
    if (!match) return false;
    const job = this.jobs.get(match[1] ?? '');
    if (!job || url.searchParams.get('X-Goog-Signature') !== job.signature) {
      storageError(
        response,
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
      return true;
    }
    if (request.headers.authorization !== undefined) {
      // A signed URL with credentials besides: storage refuses it, and X's token must never travel there.
      this.uploads.push({ jobId: job.id, contentType: request.headers['content-type'], authorization: true, ids: 0 });
      storageError(response, 400, 'InvalidAuthentication', 'Cannot use a signed URL together with an Authorization header.');
      return true;
    }
    this.advance();
    if (match[2] === 'submission') {
      if (request.method !== 'PUT') return (storageError(response, 405, 'MethodNotAllowed', 'The upload URL takes PUT.'), true);
      if (this.now() > job.createdAt + UPLOAD_MS || job.status !== 'created')
        return (storageError(response, 400, 'ExpiredToken', 'The provided token has expired.'), true);
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const ids = Buffer.concat(chunks)
        .toString('utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      this.uploads.push({ jobId: job.id, contentType: request.headers['content-type'], authorization: false, ids: ids.length });
      job.uploadedIds = ids;
      job.status = 'in_progress';
      job.completeAt = this.now() + (this.scenario.processingMs ?? 200);
      response.writeHead(200, { 'content-length': 0 }).end();
      return true;
    }
    if (request.method !== 'GET') return (storageError(response, 405, 'MethodNotAllowed', 'The download URL takes GET.'), true);
    if (job.status !== 'complete' || this.now() > job.createdAt + DOWNLOAD_MS)
      return (storageError(response, 404, 'NoSuchKey', 'The specified key does not exist.'), true);
    const lines = (job.uploadedIds ?? []).flatMap((id) => {
      const reason = this.events[job.type].get(id);
      if (reason === undefined) return [];
      const tweetAt = job.type === 'tweets' && /^\d{1,19}$/.test(id) ? tweetTime(id) : undefined;
      const createdAt = tweetAt !== undefined ? new Date(tweetAt).toISOString() : '2019-09-06T17:25:54.667Z';
      const line: Record<string, string> = { id, action: 'delete', created_at: createdAt };
      if (reason !== 'protected') line['redacted_at'] = new Date(job.createdAt - 3_600_000).toISOString();
      line['reason'] = reason;
      return [JSON.stringify(line)];
    });
    const text = [...lines, ...this.extraResultLines].map((line) => `${line}\n`).join('');
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': Buffer.byteLength(text) });
    const stall = this.stallResultsMs;
    if (stall !== undefined) {
      response.flushHeaders();
      setTimeout(() => response.end(text), stall).unref();
    } else response.end(text);
    return true;
  }

  private advance(): void {
    for (const job of this.jobs.values()) {
      if (job.status === 'in_progress' && job.completeAt !== undefined && this.now() >= job.completeAt) job.status = 'complete';
      if (job.status === 'created' && this.now() > job.createdAt + UPLOAD_MS) job.status = 'expired';
    }
  }

  private describe(job: Job): Record<string, unknown> {
    const storage = `${this.storageBase()}storage/compliance/${job.id}`;
    return {
      id: job.id,
      type: job.type,
      ...(job.name !== undefined ? { name: job.name } : {}),
      resumable: job.resumable,
      status: job.status,
      created_at: new Date(job.createdAt).toISOString(),
      upload_url: `${storage}/submission?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=900&X-Goog-Signature=${job.signature}`,
      upload_expires_at: new Date(job.createdAt + UPLOAD_MS).toISOString(),
      download_url: `${storage}/results?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=604800&X-Goog-Signature=${job.signature}`,
      download_expires_at: new Date(job.createdAt + DOWNLOAD_MS).toISOString(),
    };
  }
}

function storageError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml; charset=UTF-8', 'content-length': Buffer.byteLength(body) }).end(body);
}
