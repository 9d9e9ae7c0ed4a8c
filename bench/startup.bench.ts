import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { tempProject } from '../test/helpers/temp-project.js';
import { formatSpread, interleaved, spread } from './measure.js';

// npm run bench:startup: how long the CLI takes to start, paired with `node -e 0` (the floor any
// Node program pays) in the same run, interleaved. Target: `--help` and `validate` of the three
// example collections within 2x of `node -e 0`, by median.
const RUNS = Number(process.env['BENCH_RUNS'] ?? 21);
const CLI = join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js');

const project = tempProject();
mkdirSync(join(project, 'collections'));
cpSync(join(PACKAGE_ROOT, 'collections'), join(project, 'collections'), { recursive: true });

const node = (args: string[]) => (): void => {
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
};

const times = await interleaved(RUNS, {
  'node -e 0': node(['-e', '0']),
  'twarc-cloud --help': node([CLI, '--help']),
  'twarc-cloud validate (3 files)': node([CLI, 'validate']),
});

const floor = spread(times['node -e 0']).median;
console.log(`\n${RUNS} runs of each, interleaved; median (min, max)\n`);
console.log(`| ${'command'.padEnd(32)} | ${'time'.padStart(30)} | ${'x node -e 0'.padStart(11)} |`);
console.log(`| ${'-'.repeat(32)} | ${'-'.repeat(30)} | ${'-'.repeat(11)} |`);
let met = true;
for (const [name, values] of Object.entries(times)) {
  const ratio = spread(values).median / floor;
  if (ratio > 2) met = false;
  console.log(`| ${name.padEnd(32)} | ${formatSpread(spread(values)).padStart(30)} | ${ratio.toFixed(2).padStart(11)} |`);
}
console.log(`\ntarget: --help and validate within 2x of node -e 0 -> ${met ? 'met' : 'NOT met'}`);
