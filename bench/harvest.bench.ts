import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { FakeXApi } from '../simulator/x-api/server.js';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../platform/archive/keys.js';
import { writeObject } from '../platform/archive/objects.js';
import { listAll } from '../platform/archive/store.js';
import { localArchive, putCollection, s3Archive, SECRET_BEARER, startMoto } from '../test/helpers/archive-fixtures.js';
import type { Moto } from '../test/helpers/moto.js';
import { AwsFaultProxy } from '../test/helpers/aws-fault-proxy.js';
import { harvestWithUsage, PRODUCTION } from './harvester-usage.js';
import { CASE_LIMIT_MS, formatSpread, spread } from './measure.js';

// npm run bench:harvest: measurements of the harvester with production settings, each next to its
// baseline in the same run (BENCH_RUNS runs, 3 by default; median, min and max).
//  1. Stream ingest at full speed from the fake X API, into a local archive and into S3 (moto_server):
//     the harvester's CPU per 100,000 real-shaped tweets next to `gzip -6` compressing the bytes that
//     very run stored (targets: 1.3x local, 1.4x S3), and its peak RSS (target: < 150 MB). The same
//     for a stream group ('group'): 20 collections of 50 rules each on one connection, into a local archive.
//  2. The S3 requests of a 100-user timeline harvest, counted on the wire (targets: at most 17 for one that stores
//     posts, which reads and writes post_ids.gz; at most 16 for one that stores none, which reads last_harvest.json instead).
//  3. A timeline harvest of 2,000 users against a scaled rate-limit window: requests made against the
//     theoretical minimum (lookups plus pages), 429s, wall time against the bound the limits imply,
//     and the harvester's CPU per page.
const STREAM_TWEETS = Number(process.env['BENCH_STREAM_TWEETS'] ?? 1_000_000);
const USERS = Number(process.env['BENCH_USERS'] ?? 2000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
// BENCH_HARVEST_PARTS picks the measurements: local, group, s3, s3-requests, timelines (all by default).

/** CPU seconds of `gzip -6` over a file, measured by the shell's `times`. */
function gzipCpuSeconds(path: string): number {
  const result = spawnSync('bash', ['-c', `gzip -6 -c ${JSON.stringify(path)} > /dev/null; times`], {
    encoding: 'utf8',
    timeout: CASE_LIMIT_MS,
  });
  const children = result.stdout.trim().split('\n').pop() ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return seconds.reduce((sum, s) => sum + s, 0);
}

/**
 * CPU seconds of Node's own zlib at level 6 over the same file, read and compressed as a stream in
 * a process of its own (its start-up not counted): the harvester's compressor, measured alone.
 */
function zlibCpuSeconds(path: string): number {
  const script = [
    "const { createReadStream } = require('node:fs');",
    "const { createGzip } = require('node:zlib');",
    "const { Writable } = require('node:stream');",
    "const { pipeline } = require('node:stream/promises');",
    'const start = process.cpuUsage();',
    'pipeline(createReadStream(process.argv[1]), createGzip({ level: 6 }), new Writable({ write: (c, e, done) => done() })).then(() => {',
    '  const used = process.cpuUsage(start);',
    '  console.log((used.user + used.system) / 1e6);',
    '});',
  ].join('\n');
  const result = spawnSync(process.execPath, ['-e', script, path], { encoding: 'utf8', timeout: CASE_LIMIT_MS });
  const seconds = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isFinite(seconds)) throw new Error(`node zlib over ${path} failed:\n${result.stderr}`);
  return seconds;
}

interface StreamRun {
  readonly harvesterCpu: number;
  readonly gzipCpu: number;
  readonly zlibCpu: number;
  readonly rssMb: number;
  readonly megabytes: number;
  readonly compression: number;
  readonly files: number;
  readonly wall: number;
}

/** A stream group's layout in the bench: 20 collections of 50 rules each, 1,000 rules (Pro's limit) on one connection. */
const GROUP_COLLECTIONS = 20;
const GROUP_RULES = 50;

type StreamKind = 'local' | 's3' | 'group';

/** One stream harvest of STREAM_TWEETS real-shaped messages, then `gzip -6` over the very bytes it stored. */
async function streamRun(kind: StreamKind, moto?: Moto): Promise<StreamRun> {
  const fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 20_000, tweetsPerUser: () => 0 },
    stream: { tweets: STREAM_TWEETS, keepAliveMs: 1000 },
  }).start();
  const archive = kind === 's3' && moto ? await s3Archive(moto) : await localArchive();
  const output = { tweets_per_file: 250_000, rotate_minutes: 30 };
  const ids = kind === 'group' ? Array.from({ length: GROUP_COLLECTIONS }, (_, c) => `bench-group-${c}`) : ['bench-stream'];
  if (kind === 'group') {
    // The fake matches the app's rules in turn, so each collection gets its share; max_records ends each at it, and the group with the last.
    for (const id of ids) {
      const rules = Array.from({ length: GROUP_RULES }, (_, r) => ({ value: `${id.replace(/-/g, '')}topic${r}` }));
      await putCollection(archive.store, { id, type: 'filter', rules, max_records: STREAM_TWEETS / GROUP_COLLECTIONS, output });
    }
    await writeObject(archive.store, COLLECTIONS_INDEX_KEY, 'collections-index', {
      format: 'twarc-cloud/collections-index@1',
      updated_at: new Date().toISOString(),
      collections: Object.fromEntries(
        ids.map((id) => [
          id,
          { type: 'filter', state: 'active', hash: createHash('sha256').update(id).digest('hex'), stream_group: 'default' },
        ]),
      ),
    });
  } else {
    await putCollection(archive.store, {
      id: 'bench-stream',
      type: 'filter',
      rules: [{ value: 'climate' }],
      max_records: STREAM_TWEETS,
      output,
    });
  }
  const started = Date.now();
  const run =
    kind === 'group'
      ? await harvestWithUsage(
          ['default', '--archive', archive.location, '--api-base-url', fake.baseUrl],
          { ...archive.env, ...PRODUCTION },
          'harvest-group',
        )
      : await harvestWithUsage(['bench-stream', '--archive', archive.location, '--api-base-url', fake.baseUrl], {
          ...archive.env,
          ...PRODUCTION,
        });
  const wall = (Date.now() - started) / 1000;
  await fake.stop();
  if (run.code !== 0) throw new Error(`the stream harvest failed:\n${run.stderr}`);

  const dir = mkdtempSync(join(tmpdir(), 'bench-gzip-'));
  const raw = join(dir, 'tweets.jsonl');
  let files = 0;
  let compressed = 0;
  for await (const object of listAll(archive.store, 'collections/')) {
    if (!ids.some((id) => object.key.startsWith(collectionKeys(id).harvestsPrefix)) || !object.key.endsWith('.jsonl.gz')) continue;
    files++;
    compressed += object.size;
    const body = await archive.store.download(object.key);
    if (!body) throw new Error(`${object.key} is gone`);
    await pipeline(body, createGunzip(), createWriteStream(raw, { flags: 'a' }));
  }
  const bytes = statSync(raw).size;
  const gzipCpu = gzipCpuSeconds(raw);
  const zlibCpu = zlibCpuSeconds(raw);
  rmSync(dir, { recursive: true, force: true });
  if (kind !== 's3') rmSync(archive.location, { recursive: true, force: true });
  await archive.close();
  return {
    harvesterCpu: run.usage.cpuSeconds,
    gzipCpu,
    zlibCpu,
    rssMb: run.usage.maxRssMb,
    megabytes: bytes / 1e6,
    compression: bytes / compressed,
    files,
    wall,
  };
}

async function streamIngest(kind: StreamKind, moto?: Moto): Promise<void> {
  const runs: StreamRun[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await streamRun(kind, moto));
  const per100k = (seconds: number): number => (seconds / STREAM_TWEETS) * 100_000;
  const first = runs[0];
  const [ratioTarget, label] =
    kind === 's3'
      ? [1.4, 'S3 (moto_server)']
      : kind === 'group'
        ? [1.3, `a local archive by a stream group of ${GROUP_COLLECTIONS} collections x ${GROUP_RULES} rules on one connection`]
        : [1.3, 'a local archive'];
  console.log(
    `\nStream ingest into ${label}: ${STREAM_TWEETS.toLocaleString('en')} real-shaped tweets, ${first?.megabytes.toFixed(0)} MB of JSON lines compressed ${first?.compression.toFixed(1)}:1 (real twarc2 data: 8-12:1), ${first?.files} files; ${RUNS} runs, each harvest followed by gzip -6 over the bytes it stored; median (min, max)`,
  );
  console.log(
    `| ${'measure'.padEnd(32)} | ${'harvester'.padEnd(30)} | ${'gzip -6 (same bytes)'.padEnd(30)} | ${'ratio'.padEnd(30)} | target   |`,
  );
  console.log(`|${'-'.repeat(34)}|${'-'.repeat(32)}|${'-'.repeat(32)}|${'-'.repeat(32)}|----------|`);
  const ratios = spread(runs.map((r) => r.harvesterCpu / r.gzipCpu));
  console.log(
    `| ${'CPU seconds per 100,000 tweets'.padEnd(32)} | ${formatSpread(spread(runs.map((r) => per100k(r.harvesterCpu))), 3, '').padEnd(30)} | ${formatSpread(spread(runs.map((r) => per100k(r.gzipCpu))), 3, '').padEnd(30)} | ${formatSpread(ratios, 2, '').padEnd(30)} | <= ${ratioTarget.toFixed(2)}  |`,
  );
  // Node's zlib at the same level uses less CPU than GNU gzip; both baselines side by side keep the ratio honest.
  console.log(
    `| ${'  the same, node zlib -6'.padEnd(32)} | ${''.padEnd(30)} | ${formatSpread(spread(runs.map((r) => per100k(r.zlibCpu))), 3, '').padEnd(30)} | ${formatSpread(spread(runs.map((r) => r.harvesterCpu / r.zlibCpu)), 2, '').padEnd(30)} |          |`,
  );
  const rss = spread(runs.map((r) => r.rssMb));
  console.log(
    `| ${'peak RSS, MB'.padEnd(32)} | ${formatSpread(rss, 0, '').padEnd(30)} | ${'-'.padEnd(30)} | ${''.padEnd(30)} | < 150    |`,
  );
  console.log(
    `| ${'wall seconds'.padEnd(32)} | ${formatSpread(spread(runs.map((r) => r.wall)), 1, '').padEnd(30)} | ${'-'.padEnd(30)} | ${''.padEnd(30)} |          |`,
  );
  console.log(
    `targets: CPU ratio <= ${ratioTarget} (median ${ratios.median.toFixed(2)}) -> ${ratios.median <= ratioTarget ? 'met' : 'NOT met'}; peak RSS < 150 MB (max ${rss.max.toFixed(0)}) -> ${rss.max < 150 ? 'met' : 'NOT met'}`,
  );
}

/** The S3 requests of one timeline harvest of 100 users, counted on the wire (targets: 17 for the first, which stores posts; 16 for later ones, which store none). */
async function timelineS3Requests(moto: Moto): Promise<void> {
  const fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 100, tweetsPerUser: (i) => (i % 4 === 0 ? 0 : 30) },
  }).start();
  const proxy = new AwsFaultProxy(moto.endpoint);
  const endpoint = await proxy.start();
  const archive = await s3Archive(moto);
  const counts: number[] = [];
  try {
    const users = Object.fromEntries(fake.corpus.users.map((u) => [u.id, { screen_name: u.username }]));
    await putCollection(archive.store, { id: 'hundred', type: 'user_timeline', users, delete_users_for: [] });
    for (let i = 0; i < RUNS; i++) {
      const before = proxy.exchanges.length;
      const run = await harvestWithUsage(['hundred', '--archive', archive.location, '--api-base-url', fake.baseUrl], {
        ...archive.env,
        ...PRODUCTION,
        AWS_ENDPOINT_URL_S3: endpoint,
      });
      if (run.code !== 0) throw new Error(`the timeline harvest failed:\n${run.stderr}`);
      counts.push(proxy.exchanges.slice(before).filter((e) => e.service === 's3').length);
    }
  } finally {
    await proxy.stop();
    await fake.stop();
    await archive.close();
  }
  const [first, ...later] = counts;
  console.log(
    `\nS3 requests of a 100-user timeline harvest (moto, counted on the wire): first harvest ${first} (target: at most 17), later ones, with nothing new, ${later.join(', ')} (target: at most 16) -> ${(first ?? 0) <= 17 && later.every((c) => c <= 16) ? 'met' : 'NOT met'}`,
  );
}

async function timelineHarvest(): Promise<void> {
  // Long enough that one core serves and harvests a window's pages with time to spare (printed
  // below), so that the wall time measures the rate gate, not the machine's load.
  const windowMs = Number(process.env['BENCH_TIMELINE_WINDOW_MS'] ?? 10_000);
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
  const fakeCpuBefore = process.cpuUsage();
  const run = await harvestWithUsage(['bench-timelines', '--archive', archive.location, '--api-base-url', fake.baseUrl], {
    ...archive.env,
    ...PRODUCTION,
    TWARC_CLOUD_RATE_LIMIT_MARGIN_MS: '50',
  });
  const fakeCpu = process.cpuUsage(fakeCpuBefore);
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
  console.log(
    `| peak RSS, MB                     | ${run.usage.maxRssMb.toFixed(0).padStart(9)} | ${'-'.padStart(20)} |       | < 150    |`,
  );
  const harvesterMsPerPage = (run.usage.cpuSeconds * 1000) / pages;
  const fakeMsPerPage = (fakeCpu.user + fakeCpu.system) / 1000 / pages;
  const busy = ((harvesterMsPerPage + fakeMsPerPage) * limits['users/:id/tweets'].limit) / 1000;
  console.log(
    `harvester CPU per page ${harvesterMsPerPage.toFixed(2)} ms (whole process), fake X API ${fakeMsPerPage.toFixed(2)} ms: a window's ${limits['users/:id/tweets'].limit} pages need ${busy.toFixed(2)} s of one core, of the window's ${(windowMs / 1000).toFixed(0)} s`,
  );
}

const parts = (process.env['BENCH_HARVEST_PARTS'] ?? 'local,group,s3,s3-requests,timelines').split(',');
if (parts.includes('local')) await streamIngest('local');
if (parts.includes('group')) await streamIngest('group');
if (parts.includes('s3') || parts.includes('s3-requests')) {
  const moto = await startMoto();
  try {
    if (parts.includes('s3')) await streamIngest('s3', moto);
    if (parts.includes('s3-requests')) await timelineS3Requests(moto);
  } finally {
    await moto.stop();
  }
}
if (parts.includes('timelines')) await timelineHarvest();
