/*
 * download writes only where it should and removes only what it wrote: --clean never touches an
 * archive, a git repository, collection files or a user's own files; a key that would leave the
 * destination is skipped and reported while the rest arrives; a planted link is never written through.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { writeObject } from '../../platform/archive/objects.js';
import { createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const HARVEST = '20261130T060000Z';

/** A collection `tl` with one harvest of `files` tweet files, and its manifest. */
async function harvested(store: ArchiveStore, files: number): Promise<string[]> {
  const keys = collectionKeys('tl');
  const harvest = keys.harvest(HARVEST);
  await writeObject(store, keys.config, 'collection-config', {
    format: 'twarc-cloud/collection-config@1',
    id: 'tl',
    type: 'search',
    state: 'active',
    credentials: 'default',
    output: { tweets_per_file: 1, rotate_minutes: 30 },
    labels: {},
    query: 'climate',
    archive: false,
    rendered_at: new Date().toISOString(),
    changeset: 'x',
  });
  const names: string[] = [];
  const manifest: string[] = [];
  for (let i = 1; i <= files; i++) {
    const body = gzipSync(`{"data":[{"id":"${i}","text":"tweet ${i}"}],"__twarc":{}}\n`);
    const name = `tweets-${HARVEST}-${String(i).padStart(4, '0')}.jsonl.gz`;
    await store.put(`${harvest.prefix}${name}`, body);
    manifest.push(`${(await import('node:crypto')).createHash('sha1').update(body).digest('hex')}  ${name}\n`);
    names.push(`harvests/2026/11/30/06/00/00/${name}`);
  }
  await store.put(harvest.manifest, manifest.join(''));
  return names;
}

function localProject(): { root: string; store: LocalArchiveStore; cli: (...args: string[]) => ReturnType<typeof runCliAsync> } {
  const root = tempProject({
    'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
    'collections/tl.yaml': 'id: tl\ntype: search\nquery: climate\n',
  });
  execFileSync('git', ['-C', root, 'init', '-q']);
  return {
    root,
    store: new LocalArchiveStore(join(root, 'archive')),
    cli: (...args) => runCliAsync(args, { cwd: root, env: { HOME: root } }),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('download --clean removes only what download wrote', () => {
  it('refuses a project folder (archive, git repository, collection files) and removes nothing there', async () => {
    const p = localProject();
    await harvested(p.store, 2);
    const before = filesUnder(p.root);
    const result = await p.cli('download', 'tl', '--dest', '.', '--clean');
    assert.equal(result.status, 1);
    assertNoCrash(result);
    assert.match(result.stderr, /holds a git repository \(\.git\); download will not write into it/);
    assert.deepEqual(filesUnder(p.root), before, 'every file of the project is still there');
    for (const folder of ['archive', '.git', 'collections']) assert.ok(existsSync(join(p.root, folder)), folder);
  });

  it('refuses a folder holding an archive even outside a repository', async () => {
    const p = localProject();
    await harvested(p.store, 1);
    const result = await p.cli('download', 'tl', '--dest', 'archive', '--clean');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /holds a twarc-cloud archive or collection files \(collections\)/);
    assert.ok(existsSync(join(p.root, 'archive', 'collections', 'tl', 'collection.json')));
  });

  it("keeps a user's own files in --dest, and removes a file an earlier download wrote once the archive no longer has it", async () => {
    const p = localProject();
    const names = await harvested(p.store, 3);
    const data = join(p.root, 'home-data');
    mkdirSync(join(data, 'harvests'), { recursive: true });
    writeFileSync(join(data, 'thesis.tex'), 'my own work');
    writeFileSync(join(data, 'harvests', 'notes.txt'), 'mine too');
    const first = await p.cli('download', 'tl', '--dest', 'home-data', '--clean');
    assert.equal(first.status, 0, first.stderr);
    const gone = names[2] ?? '';
    rmSync(join(p.root, 'archive', 'collections', 'tl', ...gone.split('/')));
    const second = await p.cli('download', 'tl', '--dest', 'home-data', '--clean');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /1 removed/);
    assert.ok(!existsSync(join(data, ...gone.split('/'))), 'the file the archive no longer has is removed');
    assert.equal(readFileSync(join(data, 'thesis.tex'), 'utf8'), 'my own work');
    assert.equal(readFileSync(join(data, 'harvests', 'notes.txt'), 'utf8'), 'mine too');
    for (const name of names.slice(0, 2)) assert.ok(existsSync(join(data, ...name.split('/'))), name);
  });

  it("never replaces a user's file of the same name that no download wrote, and says so", async () => {
    const p = localProject();
    await harvested(p.store, 2);
    const dest = join(p.root, 'u');
    mkdirSync(dest);
    writeFileSync(join(dest, 'collection.json'), 'my own notes');
    const result = await p.cli('download', 'tl', '--dest', 'u', '--clean');
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assertNoCrash(result);
    assert.match(result.stderr, /collection\.json is not a file download wrote, and differs from .* it is not replaced/);
    assert.equal(readFileSync(join(dest, 'collection.json'), 'utf8'), 'my own notes');
  });

  it('refuses to mix two collections in one folder', async () => {
    const p = localProject();
    await harvested(p.store, 1);
    assert.equal((await p.cli('download', 'tl', '--dest', 'out')).status, 0);
    writeFileSync(join(p.root, 'collections', 'other.yaml'), 'id: other\ntype: search\nquery: x\n');
    await writeObject(p.store, collectionKeys('other').config, 'collection-config', {
      format: 'twarc-cloud/collection-config@1',
      id: 'other',
      type: 'search',
      state: 'active',
      credentials: 'default',
      output: { tweets_per_file: 1, rotate_minutes: 30 },
      labels: {},
      query: 'x',
      archive: false,
      rendered_at: new Date().toISOString(),
      changeset: 'x',
    });
    const mixed = await p.cli('download', 'other', '--dest', 'out', '--clean');
    assert.equal(mixed.status, 1);
    assert.match(mixed.stderr, /holds a download of collection tl/);
  });

  it('never writes through a planted link: the link is replaced, its target untouched', async () => {
    const p = localProject();
    const names = await harvested(p.store, 2);
    assert.equal((await p.cli('download', 'tl', '--dest', 'out')).status, 0);
    const victim = join(tmpdir(), `twarc-cloud-victim-${process.pid}-${Date.now()}`);
    writeFileSync(victim, 'precious');
    const local = join(p.root, 'out', ...(names[0] ?? '').split('/'));
    rmSync(local);
    symlinkSync(victim, `${local}.part`);
    const again = await p.cli('download', 'tl', '--dest', 'out');
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'precious');
    assert.ok(existsSync(local) && readFileSync(local).length > 20, 'the tweet file is back');

    const elsewhere = join(tmpdir(), `twarc-cloud-elsewhere-${process.pid}-${Date.now()}`);
    mkdirSync(elsewhere);
    rmSync(join(p.root, 'out', 'harvests'), { recursive: true });
    symlinkSync(elsewhere, join(p.root, 'out', 'harvests'));
    const through = await p.cli('download', 'tl', '--dest', 'out');
    assert.equal(through.status, 1);
    assertNoCrash(through);
    assert.match(through.stderr, /a folder on the way to .* is a link or a file/);
    assert.deepEqual(readdirSync(elsewhere), [], 'nothing written through the linked folder');
  });
});

describe('download of keys that would leave the destination (S3 on moto_server)', () => {
  let moto: Moto;
  let s3: S3Client;
  before(async () => {
    moto = await startMoto();
    s3 = createS3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  after(async () => {
    s3.destroy();
    await moto.stop();
  });

  it('skips and reports a key with "..", creates nothing outside, and downloads the rest', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'escape-archive' }));
    const store = new S3ArchiveStore(s3, { bucket: 'escape-archive', prefix: '' });
    const names = await harvested(store, 2);
    const planted = 'collections/tl/harvests/../../../../../escaped/evil.txt';
    await s3.send(new PutObjectCommand({ Bucket: 'escape-archive', Key: planted, Body: 'owned' }));
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: ops\ntarget: aws\naws:\n  bucket: escape-archive\n  region: us-east-1\n' });
    const work = join(root, 'work');
    mkdirSync(work);
    const result = await runCliAsync(['download', 'tl', '--dest', 'out'], {
      cwd: work,
      env: {
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        HOME: root,
      },
    });
    assertNoCrash(result);
    assert.equal(result.status, 1, 'the skipped key is a problem to report');
    assert.match(result.stderr, /SKIPPED: ".*\.\.\/escaped\/evil\.txt" would be written outside/);
    for (const name of names) assert.ok(existsSync(join(work, 'out', ...name.split('/'))), name);
    for (const outside of [join(root, 'escaped'), join(dirname(root), 'escaped'), join(work, 'escaped')])
      assert.ok(!existsSync(outside), outside);
  });
});
