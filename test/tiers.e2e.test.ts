/*
 * The test runner's promises (scripts/run-tests.ts), checked on planted test files: a unit-tier
 * file that starts a process fails with the fix, and a run leaves nothing in the temp directory it
 * was given, even when its tests fail after writing there.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { tempProject } from './helpers/temp-project.js';

/** Runs the unit tier on planted files, with `temp` as the machine's temp directory. */
function runUnitTier(files: Record<string, string>, temp: string): { status: number | null; output: string } {
  // ES modules, as the compiled tests are.
  const folder = tempProject({ ...files, 'package.json': '{ "type": "module" }\n' });
  const paths = Object.keys(files).map((name) => relative(PACKAGE_ROOT, join(folder, name)));
  // A runner of its own, not a test of this one: node:test marks its test processes with NODE_TEST_CONTEXT.
  const { NODE_TEST_CONTEXT: _marker, ...env } = process.env;
  const result = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'dist', 'scripts', 'run-tests.js'), 'unit', ...paths], {
    cwd: PACKAGE_ROOT,
    env: { ...env, TMPDIR: temp, TWARC_CLOUD_TEST_REPORTER: 'tap' },
    encoding: 'utf8',
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

const WRITES_AND_FAILS = `
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
it('writes into the temp directory, then fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'planted-'));
  writeFileSync(join(dir, 'left.txt'), 'left behind?');
  throw new Error('planted failure');
});
`;

const STARTS_A_PROCESS = `
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
it('starts a process', () => {
  spawnSync('true');
});
`;

describe('the test tiers, as the runner keeps them', () => {
  it('leave nothing in the temp directory, even when a test fails after writing there', () => {
    const temp = join(tempProject(), 'tmp');
    mkdirSync(temp);
    writeFileSync(join(temp, 'before.txt'), 'was here before the run');
    const run = runUnitTier({ 'writes.test.js': WRITES_AND_FAILS }, temp);
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /planted failure/);
    assert.deepEqual(readdirSync(temp), ['before.txt'], 'only what was there before the run');
  });

  it('refuse a child process in the unit tier, saying which tier it belongs in', () => {
    const temp = join(tempProject(), 'tmp');
    mkdirSync(temp);
    const run = runUnitTier({ 'spawns.test.js': STARTS_A_PROCESS }, temp);
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /a unit-tier test started a child process \(child_process\.spawnSync\); that belongs in the e2e tier/);
  });
});
