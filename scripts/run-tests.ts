/*
 * The test suite in two tiers (docs/architecture.md, "Two tiers"):
 *   unit  files named *.test.ts: no child process, no server; pure functions, ports against
 *         in-memory fakes, the CLI in-process. A guard loaded into each file refuses the rest.
 *   e2e   files named *.e2e.test.ts: real processes, moto_server, the fake X API over HTTP,
 *         Terraform, checkov, Chromium. They wait mostly on other processes, so several files
 *         run at once (TWARC_CLOUD_TEST_CONCURRENCY, default 4).
 * Every run gets a scratch temp directory of its own (TMPDIR for the test processes and all they
 * start), removed at the end whatever the outcome, so no run leaves its work behind.
 *
 *   node dist/scripts/run-tests.js unit|e2e|all [file.test.js ...]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';

type Tier = 'unit' | 'e2e';

const TEST_ROOT = join(PACKAGE_ROOT, 'dist', 'test');
const UNIT_GUARD = join(TEST_ROOT, 'helpers', 'unit-tier-guard.js');
const E2E_SUFFIX = '.e2e.test.js';

export function tierOf(file: string): Tier | undefined {
  if (file.endsWith(E2E_SUFFIX)) return 'e2e';
  return file.endsWith('.test.js') ? 'unit' : undefined;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return tierOf(entry.name) === undefined ? [] : [path];
  });
}

/**
 * The e2e files that take longest, started first so that none of them is the last to begin: with
 * several files at once, the run takes about as long as the longest file that starts late.
 */
const SLOWEST_FIRST = [
  'delivery/aws-deployment',
  'reconciler/apply-concurrency',
  'reconciler/apply-sigkill',
  'harvester/sigkill',
  'targets/apply-aws',
  'reconciler/up-local',
  'harvester/faults',
  'cli/operate-s3',
  'harvester/stream-wire',
];

function startOrder(files: readonly string[]): string[] {
  const rank = (file: string): number => {
    const found = SLOWEST_FIRST.findIndex((slow) => file.includes(`/${slow}.`));
    return found === -1 ? SLOWEST_FIRST.length : found;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function concurrency(tier: Tier, env: NodeJS.ProcessEnv): number {
  const given = Number(env['TWARC_CLOUD_TEST_CONCURRENCY']);
  if (Number.isInteger(given) && given > 0) return given;
  return tier === 'unit' ? 2 : 4;
}

/** Runs one tier's files with node --test under `scratch` as TMPDIR; true when all passed. */
function runTier(tier: Tier, files: readonly string[], scratch: string): boolean {
  if (files.length === 0) return true;
  process.stdout.write(`\n# ${tier} tier: ${files.length} file${files.length === 1 ? '' : 's'}\n`);
  const args = [
    ...(tier === 'unit' ? ['--import', UNIT_GUARD] : []),
    '--test',
    `--test-concurrency=${concurrency(tier, process.env)}`,
    `--test-reporter=${process.env['TWARC_CLOUD_TEST_REPORTER'] ?? 'spec'}`,
    ...files,
  ];
  const result = spawnSync(process.execPath, args, {
    cwd: PACKAGE_ROOT,
    stdio: 'inherit',
    env: { ...process.env, TMPDIR: scratch, TEMP: scratch, TMP: scratch },
  });
  return result.status === 0;
}

function main(argv: readonly string[]): number {
  const [which = 'all', ...named] = argv;
  if (which !== 'unit' && which !== 'e2e' && which !== 'all') {
    process.stderr.write(`run-tests: unknown tier "${which}"; use unit, e2e or all\n`);
    return 2;
  }
  const files = named.length > 0 ? named.map((file) => join(PACKAGE_ROOT, file)) : testFiles(TEST_ROOT);
  const tiers: Tier[] = which === 'all' ? ['unit', 'e2e'] : [which];
  const scratch = mkdtempSync(join(tmpdir(), 'twarc-cloud-tests-'));
  let passed = true;
  try {
    for (const tier of tiers) {
      const mine = startOrder(files.filter((file) => tierOf(file) === tier));
      passed = runTier(tier, mine, scratch) && passed;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  }
  if (!passed) process.stderr.write(`\nrun-tests: failures in ${tiers.join(' and ')} (files under ${relative(PACKAGE_ROOT, TEST_ROOT)})\n`);
  return passed ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
