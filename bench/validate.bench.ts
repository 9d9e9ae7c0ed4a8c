import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadDesiredState, validateDesiredState } from '../reconciler/desired/load-collections.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { loadSettings } from '../reconciler/settings/settings.js';
import { writeUserTimelineCollections } from '../test/generators/collection-files.js';
import { tempProject } from '../test/helpers/temp-project.js';

// npm run bench:validate: validating 2,000 collection files of 100 users each (target: under 3 s),
// next to two baselines measured in the same run on the same files: reading them, and parsing
// them with `yaml` alone (no positions, no schema, no checks).
const FILES = Number(process.env['BENCH_FILES'] ?? 2000);
const USERS = Number(process.env['BENCH_USERS'] ?? 100);
const RUNS = 3;

const root = tempProject();
const dir = writeUserTimelineCollections(root, FILES, USERS);
const paths = readdirSync(dir).map((name) => join(dir, name));
const megabytes = paths.reduce((sum, path) => sum + readFileSync(path).length, 0) / 1e6;

function best(run: () => unknown): number {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return fastest;
}

async function bestAsync(run: () => Promise<unknown>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return fastest;
}

const readOnly = best(() => paths.map((path) => readFileSync(path)));
const parseOnly = best(() => paths.map((path): unknown => parse(readFileSync(path, 'utf8'))));
const { settings } = loadSettings(root, root);
let problems = 0;
const inProcess = await bestAsync(async () => {
  const state = await loadDesiredState(settings, [], root);
  problems = state.problems.length;
});
const validateOnly = await bestAsync(() => validateDesiredState(settings, [], root));
const cli = best(() => {
  const result = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'validate'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`validate failed:\n${(result.stdout + result.stderr).slice(0, 2000)}`);
});

const row = (name: string, seconds: number): string =>
  `| ${name.padEnd(50)} | ${seconds.toFixed(3).padStart(7)} s | ${(megabytes / seconds).toFixed(1).padStart(6)} MB/s |`;
console.log(`\n${FILES} files x ${USERS} users, ${megabytes.toFixed(1)} MB of YAML; best of ${RUNS} runs; ${problems} problems found\n`);
console.log(`| ${'measurement'.padEnd(50)} | ${'time'.padStart(9)} | ${'throughput'.padStart(11)} |`);
console.log(`| ${'-'.repeat(50)} | ${'-'.repeat(9)} | ${'-'.repeat(11)} |`);
console.log(row('baseline: read the files', readOnly));
console.log(row('baseline: yaml.parse only', parseOnly));
console.log(row('validateDesiredState (parse, schema, all checks)', validateOnly));
console.log(row('loadDesiredState (the same, and the collections)', inProcess));
console.log(row('`twarc-cloud validate` (new process, end to end)', cli));
console.log(
  `\ntarget: end to end under 3 s -> ${cli < 3 ? 'met' : 'NOT met'}; peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
if (problems !== 0) process.exitCode = 1;
