/*
 * Every curation command on every condition a person can fix: an id the archive does not hold, a
 * collection never harvested, an archive that is not there, an output into a missing folder or
 * onto a folder, a date that is not one. Each is told as a message with a fix (exit 1), or done
 * (exit 0); never an internal error or a stack trace. Run in-process, with no X account: none of
 * these conditions needs one.
 */

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { putCollection } from '../helpers/archive-fixtures.js';
import { assertNoCrash, runInProcess, type CliResult } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { writeTweetArchive } from '../helpers/tweet-archive.js';

/** The curation commands, each with where it writes (`out`) when it writes a file or a folder. */
const COMMANDS: ReadonlyArray<{ readonly name: string; readonly args: (id: string, out: string) => string[] }> = [
  { name: 'export csv', args: (id, out) => ['export', id, '--format', 'csv', '--out', out] },
  { name: 'export jsonl', args: (id, out) => ['export', id, '--format', 'jsonl', '--out', out] },
  { name: 'export parquet', args: (id, out) => ['export', id, '--format', 'parquet', '--out', out] },
  { name: 'report', args: (id, out) => ['report', id, '--out', out] },
  { name: 'download', args: (id, out) => ['download', id, '--dest', out] },
  { name: 'compliance', args: (id) => ['compliance', id] },
];

let root = '';

before(async () => {
  root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', 'a-folder/.keep': '' });
  const store = new LocalArchiveStore(join(root, 'archive'));
  await putCollection(store, { id: 'harvested', type: 'search', query: 'climate', archive: false });
  await writeTweetArchive(store, 'harvested', { tweets: 40, harvests: 2 });
  await putCollection(store, { id: 'empty', type: 'search', query: 'weather', archive: false });
});

/** Told, not crashed: exit 0 (done) or 1 with the CLI's error line first. */
function toldClearly(result: CliResult, what: string): void {
  assertNoCrash(result);
  assert.ok(result.status === 0 || result.status === 1, `${what}: exit ${String(result.status)}\n${result.stderr}`);
  if (result.status === 1) assert.match(result.stderr, /^twarc-cloud: error: /, what);
}

describe('curation commands on conditions a user can fix', { timeout: 120_000 }, () => {
  for (const command of COMMANDS) {
    it(`${command.name}: an id the archive does not hold is refused with its name`, async () => {
      const result = await runInProcess(command.args('nosuch', join(root, `nosuch-${command.name}.out`)), { cwd: root });
      toldClearly(result, command.name);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /nosuch/);
    });

    it(`${command.name}: a collection never harvested is told as such, or done with nothing`, async () => {
      const result = await runInProcess(command.args('empty', join(root, `empty-${command.name.replace(' ', '-')}.out`)), { cwd: root });
      toldClearly(result, command.name);
      if (result.status === 1) assert.match(result.stderr, /no harvested tweets|no tweet files|nothing/i, result.stderr);
    });

    it(`${command.name}: an archive that is not there is refused, naming it`, async () => {
      const elsewhere = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./not-made-yet\n' });
      const result = await runInProcess(command.args('harvested', join(elsewhere, 'out')), { cwd: elsewhere });
      toldClearly(result, command.name);
      assert.equal(result.status, 1);
    });
  }

  for (const command of COMMANDS.filter((c) => c.name !== 'compliance' && c.name !== 'download')) {
    it(`${command.name}: an output into a folder that does not exist, or onto a folder, is refused before anything is read`, async () => {
      const missing = await runInProcess(command.args('harvested', join(root, 'missing', 'out.file')), { cwd: root });
      toldClearly(missing, command.name);
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /does not exist/);
      const folder = await runInProcess(command.args('harvested', join(root, 'a-folder')), { cwd: root });
      toldClearly(folder, command.name);
      assert.equal(folder.status, 1);
      assert.match(folder.stderr, /is a folder, not a file/);
    });
  }

  it('download: a destination that is a file is refused; a missing one is made', async () => {
    mkdirSync(join(root, 'downloads'), { recursive: true });
    const onFile = await runInProcess(['download', 'harvested', '--dest', join(root, 'twarc-cloud.yaml')], { cwd: root });
    toldClearly(onFile, 'download onto a file');
    assert.equal(onFile.status, 1);
    const fresh = await runInProcess(['download', 'harvested', '--dest', join(root, 'downloads', 'new', 'deeper')], { cwd: root });
    toldClearly(fresh, 'download into a new folder');
  });

  for (const args of [
    ['export', 'harvested', '--format', 'csv', '--since', 'last tuesday'],
    ['download', 'harvested', '--since', '2026-13-01'],
    ['export', 'harvested', '--format', 'xlsx'],
    ['report', '--volume-summary', '--days', 'many'],
  ]) {
    it(`${args.join(' ')}: an option value that is not one is refused with what it takes`, async () => {
      const result = await runInProcess(args, { cwd: root });
      toldClearly(result, args.join(' '));
      assert.equal(result.status, 1);
    });
  }
});
