import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { parse } from 'yaml';
import { loadDesiredState, validateDesiredState } from '../reconciler/desired/load-collections.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { loadSettings } from '../reconciler/settings/settings.js';
import { writeUserTimelineCollections } from '../test/generators/collection-files.js';
import { tempProject } from '../test/helpers/temp-project.js';
import { formatSpread, interleaved, spread } from './measure.js';
import { EVERY_TARGETS_NAME_RULES } from '../targets/targets.js';

// npm run bench:validate: validating 2,000 collection files of 100 users each (target: under 3 s),
// next to baselines measured in the same run on the same files, interleaved with it: reading them,
// and parsing them on one thread with `yaml` (the careful parser) and js-yaml (the fast path) alone.
const FILES = Number(process.env['BENCH_FILES'] ?? 2000);
const USERS = Number(process.env['BENCH_USERS'] ?? 100);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

const root = tempProject();
const dir = writeUserTimelineCollections(root, FILES, USERS);
const paths = readdirSync(dir).map((name) => join(dir, name));
const megabytes = paths.reduce((sum, path) => sum + readFileSync(path).length, 0) / 1e6;

const { settings } = loadSettings(root, root);
let problems = 0;
const cliValidate = (): void => {
  const result = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'validate'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`validate failed:\n${(result.stdout + result.stderr).slice(0, 2000)}`);
};
const times = await interleaved(RUNS, {
  'baseline: read the files': () => paths.map((path) => readFileSync(path)),
  'baseline: yaml.parse only (one thread)': () => paths.map((path): unknown => parse(readFileSync(path, 'utf8'))),
  'baseline: js-yaml load only (one thread)': () => paths.map((path): unknown => jsYaml.load(readFileSync(path, 'utf8'))),
  'validateDesiredState (parse, schema, all checks)': () => validateDesiredState(settings, EVERY_TARGETS_NAME_RULES, [], root),
  'loadDesiredState (the same, and the collections)': async () => {
    problems = (await loadDesiredState(settings, EVERY_TARGETS_NAME_RULES, [], root)).problems.length;
  },
  '`twarc-cloud validate` (new process, end to end)': cliValidate,
});

const row = (name: string, values: number[]): string => {
  const { median } = spread(values);
  return `| ${name.padEnd(50)} | ${formatSpread(spread(values)).padStart(30)} | ${(megabytes / median).toFixed(1).padStart(6)} MB/s |`;
};
console.log(
  `\n${FILES} files x ${USERS} users, ${megabytes.toFixed(1)} MB of YAML; ${RUNS} runs, interleaved; ${problems} problems found\n`,
);
console.log(`| ${'measurement'.padEnd(50)} | ${'median (min, max)'.padStart(30)} | ${'throughput'.padStart(11)} |`);
console.log(`| ${'-'.repeat(50)} | ${'-'.repeat(30)} | ${'-'.repeat(11)} |`);
for (const [name, values] of Object.entries(times)) console.log(row(name, values));
const cli = spread(times['`twarc-cloud validate` (new process, end to end)']).median;
console.log(
  `\ntarget: end to end under 3 s (median) -> ${cli < 3 ? 'met' : 'NOT met'}; peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
if (problems !== 0) process.exitCode = 1;
