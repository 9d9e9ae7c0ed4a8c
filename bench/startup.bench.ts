import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { tempProject } from '../test/helpers/temp-project.js';
import { CASE_LIMIT_MS, formatSpread, spread } from './measure.js';

// npm run bench:startup: how long the CLI takes to start, paired with `node -e 0` (the floor any
// Node program pays) in the same run, interleaved. Each command is started by a shell, as a user's
// shell starts it, and timed by that shell: a batch of BATCH starts in one `sh` loop, so the cost
// of starting the shell from here is not in the figure (timed from a Node parent, spawning added
// about 10 ms to both sides and pulled the ratios toward 1). Target: `--help` and `validate` of the
// three example collections within 2x of `node -e 0`, by median.
const RUNS = Number(process.env['BENCH_RUNS'] ?? 21);
const BATCH = 5;
const CLI = join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js');

const project = tempProject();
mkdirSync(join(project, 'collections'));
cpSync(join(PACKAGE_ROOT, 'collections'), join(project, 'collections'), { recursive: true });

/** Seconds per start of `node args`, over a batch that one shell runs and times with its own clock. */
function shellTimed(args: readonly string[]): number {
  const script =
    'start=$(date +%s%N); i=0; while [ $i -lt "$1" ]; do "${@:2}" >/dev/null || exit 1; i=$((i+1)); done; echo $(( $(date +%s%N) - start ))';
  const result = spawnSync('bash', ['-c', script, 'bench', String(BATCH), process.execPath, ...args], {
    cwd: project,
    encoding: 'utf8',
    timeout: CASE_LIMIT_MS,
  });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return Number(result.stdout.trim()) / 1e9 / BATCH;
}

const commands: Record<string, readonly string[]> = {
  'node -e 0': ['-e', '0'],
  'twarc-cloud --help': [CLI, '--help'],
  'twarc-cloud validate (3 files)': [CLI, 'validate'],
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (let run = 0; run < RUNS; run++) for (const [name, args] of Object.entries(commands)) times[name]?.push(shellTimed(args));

const floor = spread(times['node -e 0'] ?? []).median;
console.log(`\n${RUNS} batches of ${BATCH} starts each, interleaved, timed by the shell; seconds a start, median (min, max)\n`);
console.log(`| ${'command'.padEnd(32)} | ${'time'.padStart(30)} | ${'x node -e 0'.padStart(11)} |`);
console.log(`| ${'-'.repeat(32)} | ${'-'.repeat(30)} | ${'-'.repeat(11)} |`);
let met = true;
for (const [name, values] of Object.entries(times)) {
  const ratio = spread(values).median / floor;
  if (ratio > 2) met = false;
  console.log(`| ${name.padEnd(32)} | ${formatSpread(spread(values)).padStart(30)} | ${ratio.toFixed(2).padStart(11)} |`);
}
console.log(`\ntarget: --help and validate within 2x of node -e 0 -> ${met ? 'met' : 'NOT met'}`);
