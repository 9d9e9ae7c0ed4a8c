import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { HARVESTER_NODE_FLAGS } from '../platform/harvester-launch.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { FakeXApi } from '../test/fakes/x-api/server.js';
import { collectionKeys } from '../platform/archive/keys.js';
import { listAll } from '../platform/archive/store.js';
import { localArchive, putCollection, s3Archive, SECRET_BEARER, startMoto } from '../test/helpers/archive-fixtures.js';
import type { Moto } from '../test/helpers/moto.js';

// npm run bench:harvest: two measurements of the harvester, each next to its baseline in the same run.
//  1. Stream ingest at full speed from the fake X API, into a local archive and into S3 (moto_server):
//     the harvester's CPU per 100,000 tweets next to `gzip -6` compressing the same bytes (target: at
//     most 1.5x), and its peak RSS (target: < 150 MB for 1,000,000 tweets).
//  2. A timeline harvest of 2,000 users against a scaled rate-limit window: requests made against the
//     theoretical minimum (lookups plus pages), 429s, and wall time against the bound the limits imply.
const STREAM_TWEETS = Number(process.env['BENCH_STREAM_TWEETS'] ?? 1_000_000);
const USERS = Number(process.env['BENCH_USERS'] ?? 2000);
// BENCH_HARVEST_PARTS picks the measurements: local, s3, timelines (all by default).

interface Usage {
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
}

/** Runs the harvester in a child process that reports its own resource usage when done. */
function harvestWithUsage(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; usage: Usage; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...HARVESTER_NODE_FLAGS, join(PACKAGE_ROOT, 'dist', 'bench', 'harvest-child.js'), 'harvest', ...args],
      {
        // BENCH_NODE_OPTIONS tries V8 settings on the harvester alone (e.g. --max-semi-space-size=4).
        env: {
          PATH: process.env['PATH'],
          ...env,
          ...(process.env['BENCH_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_NODE_OPTIONS'] } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => {
      const usage = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Usage;
      resolve({ code, usage, stderr });
    });
  });
}

/** CPU seconds of `gzip -6` over a file, measured by the shell's `times`. */
function gzipCpuSeconds(path: string): number {
  const result = spawnSync('bash', ['-c', `gzip -6 -c ${JSON.stringify(path)} > /dev/null; times`], { encoding: 'utf8' });
  const children = result.stdout.trim().split('\n').pop() ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return seconds.reduce((sum, s) => sum + s, 0);
}

async function streamIngest(kind: 'local' | 's3', moto?: Moto): Promise<void> {
  const fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 20_000, tweetsPerUser: () => 0 },
    stream: { tweets: STREAM_TWEETS, keepAliveMs: 1000 },
  }).start();
  const archive = kind === 's3' && moto ? await s3Archive(moto) : await localArchive();
  await putCollection(archive.store, {
    id: 'bench-stream',
    type: 'filter',
    rules: [{ value: 'climate' }],
    max_records: STREAM_TWEETS,
    output: { tweets_per_file: 250_000, rotate_minutes: 30 },
  });
  const started = Date.now();
  const run = await harvestWithUsage(['bench-stream', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env);
  const wall = (Date.now() - started) / 1000;
  await fake.stop();
  if (run.code !== 0) throw new Error(`the stream harvest failed:\n${run.stderr}`);

  const dir = mkdtempSync(join(tmpdir(), 'bench-gzip-'));
  const raw = join(dir, 'tweets.jsonl');
  const gz: string[] = [];
  let compressed = 0;
  for await (const object of listAll(archive.store, collectionKeys('bench-stream').harvestsPrefix)) {
    if (!object.key.endsWith('.jsonl.gz')) continue;
    gz.push(object.key);
    compressed += object.size;
    const body = await archive.store.download(object.key);
    if (!body) throw new Error(`${object.key} is gone`);
    await pipeline(body, createGunzip(), createWriteStream(raw, { flags: 'a' }));
  }
  const megabytes = statSync(raw).size / 1e6;
  const gzipCpu = gzipCpuSeconds(raw);
  rmSync(dir, { recursive: true, force: true });
  if (kind === 'local') rmSync(archive.location, { recursive: true, force: true });
  await archive.close();

  const per100k = (seconds: number): string => ((seconds / STREAM_TWEETS) * 100_000).toFixed(3);
  console.log(
    `\nStream ingest into ${kind === 's3' ? 'S3 (moto_server)' : 'a local archive'}: ${STREAM_TWEETS.toLocaleString('en')} tweets, ${megabytes.toFixed(0)} MB of JSON lines compressed ${((megabytes * 1e6) / compressed).toFixed(1)}:1 (real twarc2 data: 8-12:1), ${gz.length} files, wall ${wall.toFixed(1)} s`,
  );
  console.log('| measure                          | harvester | gzip -6 (same bytes) | ratio | target   |');
  console.log('|----------------------------------|-----------|----------------------|-------|----------|');
  console.log(
    `| CPU seconds per 100,000 tweets   | ${per100k(run.usage.cpuSeconds).padStart(9)} | ${per100k(gzipCpu).padStart(20)} | ${(run.usage.cpuSeconds / gzipCpu).toFixed(2).padStart(5)} | <= 1.50  |`,
  );
  console.log(
    `| peak RSS, MB                     | ${run.usage.maxRssMb.toFixed(0).padStart(9)} | ${'-'.padStart(20)} |       | < 150    |`,
  );
}

async function timelineHarvest(): Promise<void> {
  const windowMs = 2000;
  // X's per-app limits are 300 lookups and 1,500 timeline requests per 15 minutes; scaled, the same proportion.
  const limits = { users: { limit: 100, windowMs }, 'users/:id/tweets': { limit: 500, windowMs } };
  const fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: USERS, tweetsPerUser: (i) => 60 + (i % 3) * 50 },
    rateLimits: limits,
  }).start();
  const archive = await localArchive();
  const users = Object.fromEntries(fake.corpus.users.map((u) => [u.id, { screen_name: u.username }]));
  await putCollection(archive.store, { id: 'bench-timelines', type: 'user_timeline', users, delete_users_for: [] });
  const lookups = Math.ceil(USERS / 100);
  const pages = fake.corpus.users.reduce(
    (sum, u) => sum + Math.max(1, Math.ceil(Math.min(3200, fake.corpus.timeline(u.id).length) / 100)),
    0,
  );
  const run = await harvestWithUsage(
    ['bench-timelines', '--archive', archive.location, '--api-base-url', fake.baseUrl, '--concurrency', '16'],
    { ...archive.env, TWARC_CLOUD_RATE_LIMIT_MARGIN_MS: '50' },
  );
  await fake.stop();
  rmSync(archive.location, { recursive: true, force: true });
  if (run.code !== 0) throw new Error(`the timeline harvest failed:\n${run.stderr}`);

  const made = fake.requests.filter((r) => r.endpoint === 'users' || r.endpoint === 'users/:id/tweets');
  const refused = made.filter((r) => r.status === 429).length;
  const first = made[0]?.at ?? 0;
  const firstPage = made.find((r) => r.endpoint === 'users/:id/tweets')?.at ?? first;
  const last = made.at(-1)?.at ?? first;
  // The earliest the last page can be asked for: the pages need ceil(pages / limit) windows of the
  // server's grid, counted from the window of the first page (the lookups before it take milliseconds).
  const gridStart = (t: number): number => Math.floor(t / windowMs) * windowMs;
  const bound = gridStart(firstPage) + (Math.ceil(pages / limits['users/:id/tweets'].limit) - 1) * windowMs - first;
  const wall = last - first;
  console.log(
    `\nTimeline harvest: ${USERS.toLocaleString('en')} users, windows of ${windowMs / 1000} s (lookups ${limits.users.limit}, timelines ${limits['users/:id/tweets'].limit} per window)`,
  );
  console.log('| measure                          | harvester | minimum / bound      | ratio | target   |');
  console.log('|----------------------------------|-----------|----------------------|-------|----------|');
  console.log(
    `| requests (lookups + pages)       | ${String(made.length).padStart(9)} | ${String(lookups + pages).padStart(20)} | ${(made.length / (lookups + pages)).toFixed(2).padStart(5)} | = 1.00   |`,
  );
  console.log(`| requests refused with 429        | ${String(refused).padStart(9)} | ${'0'.padStart(20)} |       | 0        |`);
  console.log(
    `| wall time, s (first to last req) | ${(wall / 1000).toFixed(2).padStart(9)} | ${(bound / 1000).toFixed(2).padStart(20)} | ${(wall / bound).toFixed(2).padStart(5)} | <= 1.10  |`,
  );
}

const parts = (process.env['BENCH_HARVEST_PARTS'] ?? 'local,s3,timelines').split(',');
if (parts.includes('local')) await streamIngest('local');
if (parts.includes('s3')) {
  const moto = await startMoto();
  try {
    await streamIngest('s3', moto);
  } finally {
    await moto.stop();
  }
}
if (parts.includes('timelines')) await timelineHarvest();
