/*
 * npm run bench:export: `twarc-cloud export` to CSV and to Parquet against twarc-csv (twarc2 csv,
 * the tool researchers use today) on the same tweets, interleaved, 3 runs each; wall time and
 * peak RSS of each process, measured alike (one Python wrapper spawns each and reads its rusage).
 * The archive is written by test/helpers/tweet-archive.ts: real-shaped search pages of 100
 * tweets with full expansions, in 10 harvests whose first page repeats the one before (1 % dups).
 * twarc-csv reads the same lines, gunzipped beforehand (its gunzip is not counted against it).
 *
 *   EXPORT_BENCH_TWEETS (default 1000000)   EXPORT_BENCH_RUNS (default 3)
 */

import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LocalArchiveStore } from '../platform/archive/local-store.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { putCollection } from '../test/helpers/archive-fixtures.js';
import { twarcCsvArguments, venvTool } from '../test/helpers/python-tools.js';
import { writeTweetArchive } from '../test/helpers/tweet-archive.js';
import { CASE_LIMIT_MS, formatSpread, spread } from './measure.js';

const TWEETS = Number(process.env['EXPORT_BENCH_TWEETS'] ?? 1_000_000);
const RUNS = Number(process.env['EXPORT_BENCH_RUNS'] ?? 3);

interface Usage {
  readonly seconds: number;
  /** User and system CPU of the process and its threads: export's worker threads make wall time flatter it on 2 cores. */
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
}

/** Runs a command and reports its wall time and peak RSS from the kernel's accounting of the child. */
function measured(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Usage {
  const wrapper = [
    'import json, resource, subprocess, sys, time',
    'start = time.monotonic()',
    `code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, timeout=${CASE_LIMIT_MS / 1000}).returncode`,
    'usage = resource.getrusage(resource.RUSAGE_CHILDREN)',
    'cpu = usage.ru_utime + usage.ru_stime',
    'print(json.dumps({"code": code, "seconds": time.monotonic() - start, "cpuSeconds": cpu, "maxRssMb": usage.ru_maxrss / 1024}))',
  ].join('\n');
  const result = spawnSync('python3', ['-c', wrapper, command, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
  });
  const report = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Usage & { code: number };
  if (report.code !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return report;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-export-'));
  try {
    const store = new LocalArchiveStore(join(root, 'archive'));
    await putCollection(store, { id: 'bench', type: 'search', query: 'climate', archive: false, schedule: 'rate(1 day)' });
    const written = await writeTweetArchive(store, 'bench', { tweets: TWEETS, harvests: 10 });
    const plainBytes = await gunzipAll(
      written.files.map((key) => store.fileOf(key)),
      join(root, 'all.jsonl'),
    );
    console.log(
      `bench:export: ${TWEETS.toLocaleString('en')} real-shaped tweets in ${written.files.length} files, ${(written.bytes / 1e6).toFixed(0)} MB gzipped, ` +
        `${(plainBytes / 1e6).toFixed(0)} MB as JSON (compresses ${(plainBytes / written.bytes).toFixed(1)}:1); ${RUNS} runs, interleaved`,
    );
    writeFileSync(join(root, 'twarc-cloud.yaml'), 'deployment: bench\nlocal:\n  archive: ./archive\n');
    const cli = join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js');
    const twarc2 = venvTool('twarc2');
    const runs: Record<'csv' | 'parquet' | 'twarcCsv', Usage[]> = { csv: [], parquet: [], twarcCsv: [] };
    for (let run = 0; run < RUNS; run += 1) {
      runs.csv.push(measured(process.execPath, [cli, 'export', 'bench', '--format', 'csv', '--out', 'out.csv', '--force'], { cwd: root }));
      runs.parquet.push(
        measured(process.execPath, [cli, 'export', 'bench', '--format', 'parquet', '--out', 'out.parquet', '--force'], { cwd: root }),
      );
      runs.twarcCsv.push(
        measured(twarc2, twarcCsvArguments('all.jsonl', 'twarc.csv'), {
          cwd: root,
          // twarc2 asks for credentials before any command, even offline ones.
          env: { PATH: process.env['PATH'] ?? '', HOME: root, BEARER_TOKEN: 'offline-use-only' },
        }),
      );
    }
    const sizes = {
      csv: statSync(join(root, 'out.csv')).size,
      parquet: statSync(join(root, 'out.parquet')).size,
      twarcCsv: statSync(join(root, 'twarc.csv')).size,
    };
    const baseline = spread(runs.twarcCsv.map((u) => u.seconds)).median;
    const cpuBaseline = spread(runs.twarcCsv.map((u) => u.cpuSeconds)).median;
    for (const [name, label] of [
      ['csv', 'twarc-cloud export --format csv    '],
      ['parquet', 'twarc-cloud export --format parquet'],
      ['twarcCsv', 'twarc2 csv (twarc-csv 0.7.2)       '],
    ] as const) {
      const time = spread(runs[name].map((u) => u.seconds));
      const cpu = spread(runs[name].map((u) => u.cpuSeconds));
      const rss = spread(runs[name].map((u) => u.maxRssMb));
      console.log(
        `  ${label} wall ${formatSpread(time)}  CPU ${formatSpread(cpu)}  peak RSS ${formatSpread(rss, 0, ' MB')}  ${(sizes[name] / 1e6).toFixed(0)} MB` +
          (name === 'twarcCsv'
            ? ''
            : `  ${(baseline / time.median).toFixed(1)}x faster than twarc-csv by wall time, ${(cpuBaseline / cpu.median).toFixed(1)}x by CPU`),
      );
    }
    const worst = Math.max(...runs.csv.map((u) => u.maxRssMb), ...runs.parquet.map((u) => u.maxRssMb));
    const slowest = Math.max(spread(runs.csv.map((u) => u.seconds)).median, spread(runs.parquet.map((u) => u.seconds)).median);
    console.log(
      `target: at least 10x faster than twarc-csv -> ${baseline / slowest >= 10 ? 'met' : 'NOT met'} (${(baseline / slowest).toFixed(1)}x); ` +
        `peak RSS under 300 MB -> ${worst < 300 ? 'met' : 'NOT met'} (${worst.toFixed(0)} MB)`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function gunzipAll(paths: readonly string[], out: string): Promise<number> {
  const target = createWriteStream(out);
  for (const path of paths) {
    if (!target.write(gunzipSync(readFileSync(path)))) await once(target, 'drain');
  }
  await new Promise<void>((resolve) => target.end(resolve));
  return statSync(out).size;
}

await main();
