/*
 * Conditions a person can fix are told as such: a message that says what to do, exit 1, never the
 * "internal error ... this is a bug" banner, and nothing written where it should not be. The list
 * is the one a user trying things out found: a full disk, a read-only archive, bad --out paths, ids
 * that are not ids, import without a region, twarc-cloud.yaml as a folder, local.archive as a file,
 * users add on a file that hides what it says or points outside the project.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { assertNoCrash, runCli, type CliResult } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { writeTweetArchive } from '../helpers/tweet-archive.js';
import { putCollection } from '../helpers/archive-fixtures.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';

const PROJECT = { 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' };

function refusedClearly(result: CliResult, message: RegExp): void {
  assertNoCrash(result);
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stderr, message);
}

/**
 * Runs the CLI with a small file system mounted over `mountAt` (in a mount namespace of its own, so
 * that no privilege is needed): read-only, or too small for what is written.
 */
function withMount(root: string, mountAt: string, options: string, args: string[]): CliResult {
  const unshare = spawnSync('sh', ['-c', 'command -v unshare'], { encoding: 'utf8' }).stdout.trim();
  if (unshare === '') throw new Error('this test needs unshare (util-linux): apt-get install util-linux');
  mkdirSync(mountAt, { recursive: true });
  const script = `mount -t tmpfs -o ${options} tmpfs "$1" && shift && exec "$@"`;
  const result = spawnSync(
    unshare,
    ['-rm', 'sh', '-c', script, 'sh', mountAt, process.execPath, join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), ...args],
    {
      cwd: root,
      env: { PATH: process.env['PATH'], HOME: root, NO_COLOR: '1', CI: '', GITHUB_ACTOR: '' },
      encoding: 'utf8',
    },
  );
  if (/unshare: |mount: /.test(result.stderr))
    throw new Error(`this machine does not allow a mount namespace for the test: ${result.stderr}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('conditions a user can fix', () => {
  it('a full disk under the archive', () => {
    const collections = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`collections/c${i}.yaml`, `id: c${i}\ntype: search\nquery: climate change ${i}\n`]),
    );
    const root = tempProject({ ...PROJECT, ...collections });
    refusedClearly(
      withMount(root, join(root, 'archive'), 'size=16k', ['apply', '--yes']),
      /cannot write.*: the disk is full \(ENOSPC\)\n {2}hint: free some space/,
    );
  });

  it('a full disk for plan --out, and a device refused before anything is written to it', () => {
    const collections = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`collections/c${i}.yaml`, `id: c${i}\ntype: search\nquery: climate and weather ${i}\n`]),
    );
    const root = tempProject({ ...PROJECT, ...collections });
    refusedClearly(withMount(root, join(root, 'plans'), 'size=4k', ['plan', '--out', 'plans/plan.json']), /the disk is full \(ENOSPC\)/);
    refusedClearly(runCli(['plan', '--out', '/dev/full'], { cwd: root }), /cannot write \/dev\/full: it is a device, not a file/);
  });

  it('a full disk under an export, CSV or Parquet: a message that speaks of the export, not of the archive', async () => {
    const root = tempProject(PROJECT);
    const store = new LocalArchiveStore(join(root, 'archive'));
    await putCollection(store, { id: 's1', type: 'search', query: 'climate', archive: false });
    await writeTweetArchive(store, 's1', { tweets: 1000, harvests: 2 });
    for (const format of ['csv', 'parquet']) {
      const result = withMount(root, join(root, 'out'), 'size=64k', ['export', 's1', '--format', format, '--out', `out/s1.${format}`]);
      refusedClearly(result, /cannot write.*: the disk is full \(ENOSPC\)\n {2}hint: free some space there, or write elsewhere/);
      assert.doesNotMatch(result.stderr, /archive/, 'the hint is about the export, not the archive');
    }
  });

  it('a read-only archive', () => {
    const root = tempProject({ ...PROJECT, 'collections/a.yaml': 'id: a\ntype: search\nquery: x\n' });
    refusedClearly(
      withMount(root, join(root, 'archive'), 'ro', ['apply', '--yes']),
      /the file system is read-only \(EROFS\)\n {2}hint: point twarc-cloud at a writable folder/,
    );
  });

  it('plan --out into a folder that does not exist, or onto a folder', () => {
    const root = tempProject({ ...PROJECT, 'collections/a.yaml': 'id: a\ntype: search\nquery: x\n', 'plans/.keep': '' });
    refusedClearly(
      runCli(['plan', '--out', 'missing/plan.json'], { cwd: root }),
      /cannot write .*missing\/plan\.json: the folder .*missing does not exist/,
    );
    refusedClearly(runCli(['plan', '--out', 'plans'], { cwd: root }), /cannot write .*plans: it is a folder, not a file/);
    writeFileSync(join(root, 'plan.json'), 'an earlier plan');
    refusedClearly(runCli(['plan', '--out', 'plan.json'], { cwd: root }), /plan\.json exists already; it is not replaced/);
    assert.equal(runCli(['plan', '--out', 'plan.json', '--force'], { cwd: root }).status, 2, 'replaced with --force (2: changes)');
  });

  it('a collection id that is not one, given to every command that takes one', () => {
    const root = tempProject({ ...PROJECT, 'collections/a.yaml': 'id: a\ntype: search\nquery: x\n', 'archive/.keep': '' });
    for (const command of [['download'], ['run'], ['harvest'], ['unlock'], ['last'], ['changes']]) {
      for (const id of ['../../etc', 'Bad_Id']) {
        refusedClearly(runCli([...command, id], { cwd: root }), new RegExp(`"${id.replace(/[./]/g, '\\$&')}" is not a collection id`));
      }
    }
  });

  it('users add with a path for an id edits nothing outside the project', () => {
    const outside = tempProject({ 'victim.yaml': 'id: victim\ntype: user_timeline\nusers: {}\n' });
    const root = tempProject({ ...PROJECT, 'collections/.keep': '' });
    const relative = join('..', '..', ...outside.split('/').filter(Boolean).slice(-1), 'victim');
    refusedClearly(
      runCli(['users', 'add', relative, '@someone'], { cwd: root, env: { TWARC_CLOUD_DEFAULT_BEARER_TOKEN: 'x' } }),
      /is not a collection id/,
    );
    assert.equal(readFileSync(join(outside, 'victim.yaml'), 'utf8'), 'id: victim\ntype: user_timeline\nusers: {}\n');
  });

  it('users add on a file with an alias or a duplicate key: located problems, the file unchanged', () => {
    const aliased = 'id: tl\ntype: user_timeline\nusers:\n  "1":\n    screen_name: &n one\n  "2":\n    screen_name: *n\n';
    const duplicated = 'id: tl\ntype: user_timeline\nusers:\n  "1":\n    screen_name: one\n  "1":\n    screen_name: two\n';
    for (const [text, located] of [
      [aliased, /^collections\/tl\.yaml:7:18: aliases \(\*n\) are not allowed/m],
      [duplicated, /^collections\/tl\.yaml:6:3: duplicate key "1"/m],
    ] as const) {
      const root = tempProject({ ...PROJECT, 'collections/tl.yaml': text });
      const result = runCli(['users', 'add', 'tl', '@someone'], { cwd: root, env: { TWARC_CLOUD_DEFAULT_BEARER_TOKEN: 'x' } });
      refusedClearly(result, /collections\/tl\.yaml has 1 problem; no account was added/);
      assert.match(result.stderr, located);
      assert.equal(readFileSync(join(root, 'collections', 'tl.yaml'), 'utf8'), text);
    }
  });

  it('import of a bucket without a region anywhere', () => {
    const root = tempProject({ ...PROJECT, 'collections/.keep': '' });
    const result = runCli(['import', '--bucket', 'old-bucket'], {
      cwd: root,
      env: {
        AWS_REGION: '',
        AWS_DEFAULT_REGION: '',
        AWS_CONFIG_FILE: join(root, 'none'),
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'y',
      },
    });
    refusedClearly(
      result,
      /AWS needs a region, and none that is valid is configured .*\n {2}hint: set aws\.region in twarc-cloud\.yaml, or AWS_REGION/,
    );
  });

  it('twarc-cloud.yaml that is a folder, and local.archive that names a file', () => {
    const folder = tempProject({ 'twarc-cloud.yaml/notes.txt': '', 'collections/a.yaml': 'id: a\ntype: search\nquery: x\n' });
    refusedClearly(runCli(['plan'], { cwd: folder }), /twarc-cloud\.yaml is invalid: it is a folder/);
    const file = tempProject({ ...PROJECT, 'collections/a.yaml': 'id: a\ntype: search\nquery: x\n' });
    writeFileSync(join(file, 'archive'), 'not a folder');
    refusedClearly(runCli(['plan'], { cwd: file }), /local\.archive .*archive is a file, not a folder/);
    const validated = runCli(['validate'], { cwd: file });
    assert.match(validated.stdout, /^twarc-cloud\.yaml:3:12: local\.archive .* is a file, not a folder/m);
  });
});
