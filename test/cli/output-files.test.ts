/*
 * The one rule for files the CLI writes outside the archive (platform/output-file.ts), as export,
 * report, new and users add follow it: written beside the target and renamed into place; never
 * into a device, a folder or through a link; an existing file only with --force; a missing
 * folder is a message.
 */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { writeOutputFile } from '../../platform/output-file.js';
import { putCollection } from '../helpers/archive-fixtures.js';
import { assertNoCrash, runInProcess, type CliResult } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { writeTweetArchive } from '../helpers/tweet-archive.js';

/** A pid no process can have (above Linux's largest pid_max). */
const DEAD_PID = 4_194_305;

function refused(result: CliResult, message: RegExp): void {
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assertNoCrash(result);
  assert.match(result.stderr, message);
}

async function exportProject(): Promise<string> {
  const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
  const store = new LocalArchiveStore(join(root, 'archive'));
  await putCollection(store, { id: 's1', type: 'search', query: 'climate', archive: false });
  await writeTweetArchive(store, 's1', { tweets: 300, harvests: 2 });
  return root;
}

describe('files written outside the archive', () => {
  it('are written whole beside the target and renamed into place, leaving nothing else', async () => {
    const dir = tempProject();
    writeFileSync(join(dir, `.out.txt.partial-${DEAD_PID}-0000`), 'left by a killed run');
    await writeOutputFile(join(dir, 'out.txt'), 'content', { replace: false });
    assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'content');
    assert.deepEqual(readdirSync(dir), ['out.txt'], "a killed run's partial file is removed too");
  });

  it('never go into a device, a folder or through a link, and replace a file only when told', async () => {
    const dir = tempProject({ 'mine.txt': 'the user’s own', 'target.txt': 'linked to' });
    symlinkSync(join(dir, 'target.txt'), join(dir, 'link.txt'));
    symlinkSync(join(dir, 'nowhere.txt'), join(dir, 'dangling.txt'));
    mkdirSync(join(dir, 'folder'));
    const write = (name: string, replace = false) => writeOutputFile(name.startsWith('/') ? name : join(dir, name), 'new', { replace });
    await assert.rejects(write('/dev/null'), /it is a device, not a file/);
    await assert.rejects(write('folder'), /it is a folder, not a file/);
    await assert.rejects(write('link.txt', true), /it is a symbolic link \(it is not followed\)/);
    await assert.rejects(write('dangling.txt', true), /it is a symbolic link/);
    await assert.rejects(write('mine.txt'), /exists already; it is not replaced/);
    await assert.rejects(write('missing/out.txt'), /the folder .*missing does not exist/);
    assert.equal(readFileSync(join(dir, 'target.txt'), 'utf8'), 'linked to');
    assert.ok(!existsSync(join(dir, 'nowhere.txt')), 'nothing is written through a dangling link');
    assert.equal(readFileSync(join(dir, 'mine.txt'), 'utf8'), 'the user’s own');
    await write('mine.txt', true);
    assert.equal(readFileSync(join(dir, 'mine.txt'), 'utf8'), 'new');
  });

  it('export refuses /dev/full, an existing file without --force, a link and a missing folder, with a message', async () => {
    const root = await exportProject();
    writeFileSync(join(root, 'earlier.csv'), 'an earlier export the user kept');
    symlinkSync(join(root, 'earlier.csv'), join(root, 'link.csv'));
    const exporting = (...args: string[]) => runInProcess(['export', 's1', '--format', 'csv', ...args], { cwd: root });
    refused(await exporting('--out', '/dev/full'), /cannot write \/dev\/full: it is a device, not a file/);
    refused(await exporting('--out', 'earlier.csv'), /earlier\.csv exists already; it is not replaced\n {2}hint: .*--force/);
    refused(await exporting('--out', 'link.csv', '--force'), /link\.csv: it is a symbolic link/);
    refused(await exporting('--out', 'missing/out.csv'), /the folder .*missing does not exist/);
    assert.equal(readFileSync(join(root, 'earlier.csv'), 'utf8'), 'an earlier export the user kept');
    assert.ok(lstatSync(join(root, 'link.csv')).isSymbolicLink());
    const forced = await exporting('--out', 'earlier.csv', '--force');
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(readFileSync(join(root, 'earlier.csv'), 'utf8'), /^id,conversation_id,/);
    assert.deepEqual(
      readdirSync(root).filter((name) => name.includes('.partial-')),
      [],
    );
  });

  it('report --out keeps an existing file unless --force', async () => {
    const root = await exportProject();
    writeFileSync(join(root, 'report.html'), 'kept');
    refused(await runInProcess(['report', 's1', '--out', 'report.html'], { cwd: root }), /report\.html exists already/);
    assert.equal(readFileSync(join(root, 'report.html'), 'utf8'), 'kept');
    const forced = await runInProcess(['report', 's1', '--out', 'report.html', '--force'], { cwd: root });
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(readFileSync(join(root, 'report.html'), 'utf8'), /<html/i);
  });

  it('export, report and download refuse an id the archive does not hold, and make no folder for it', async () => {
    const root = await exportProject();
    for (const args of [
      ['export', 's2', '--format', 'csv'],
      ['report', 's2'],
      ['download', 's2'],
    ]) {
      refused(await runInProcess(args, { cwd: root, env: { HOME: root } }), /no collection s2 in .*\n {2}hint: check the id/);
      assert.equal(existsSync(join(root, 'exports', 's2')), false, `${args[0] ?? ''} made no exports/s2/`);
    }
  });

  it('new over a dangling link is refused with a message, and nothing is written through it', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\n' });
    mkdirSync(join(root, 'collections'));
    symlinkSync(join(root, 'elsewhere.yaml'), join(root, 'collections', 'tl.yaml'));
    refused(await runInProcess(['new', 'search', 'tl'], { cwd: root }), /collections\/tl\.yaml: it is a symbolic link/);
    assert.ok(!existsSync(join(root, 'elsewhere.yaml')));
  });
});
