import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { COLLECTIONS_INDEX_KEY, changesetName, collectionKeys } from '../../platform/archive/keys.js';
import { writeObject } from '../../platform/archive/objects.js';
import { createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const FILES = 500;
const HARVEST = '20261128T060000Z';
let moto: Moto;
let store: S3ArchiveStore;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCliAsync([...args, '--target', 'aws'], { cwd: root, env });

before(async () => {
  moto = await startMoto();
  const s3 = createS3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'operate-archive' }));
  store = new S3ArchiveStore(s3, { bucket: 'operate-archive', prefix: '' });
  root = tempProject({
    'twarc-cloud.yaml': 'deployment: ops\ntarget: aws\naws:\n  bucket: operate-archive\n  region: us-east-1\n',
    'collections/big.yaml': 'id: big\ntype: search\nquery: climate\n',
  });
  env = { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', HOME: root };
  // An applied collection whose last harvest wrote 500 tweet files.
  const keys = collectionKeys('big');
  const harvest = keys.harvest(HARVEST);
  const now = new Date().toISOString();
  await writeObject(store, keys.config, 'collection-config', {
    format: 'twarc-cloud/collection-config@1',
    id: 'big',
    type: 'search',
    state: 'active',
    credentials: 'default',
    output: { tweets_per_file: 1, rotate_minutes: 30 },
    labels: {},
    query: 'climate',
    archive: false,
    rendered_at: now,
    changeset: 'x',
  });
  await writeObject(store, COLLECTIONS_INDEX_KEY, 'collections-index', {
    format: 'twarc-cloud/collections-index@1',
    updated_at: now,
    collections: { big: { type: 'search', state: 'active', hash: '0'.repeat(64) } },
  });
  const name = changesetName(new Date(), 'abc1234');
  await writeObject(store, keys.changeset(name), 'changeset', {
    format: 'twarc-cloud/changeset@1',
    collection: 'big',
    name,
    created_at: now,
    action: 'create',
    actor: 'ada@lab',
    git: { commit: 'abc1234def5678', author: 'Ada <ada@lab>' },
    changes: [{ path: 'query', new: 'climate' }],
  });
  const manifest: string[] = [];
  for (let start = 0; start < FILES; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, FILES - start) }, async (_, k) => {
        const i = start + k;
        const body = gzipSync(`{"data":[{"id":"${i}","text":"tweet ${i} ${'x'.repeat(2000)}"}],"__twarc":{}}\n`);
        const file = `tweets-${HARVEST}-${String(i + 1).padStart(4, '0')}.jsonl.gz`;
        await store.put(`${harvest.prefix}${file}`, body);
        manifest[i] = `${createHash('sha1').update(body).digest('hex')}  ${file}\n`;
      }),
    );
  }
  await store.put(harvest.manifest, manifest.join(''));
  await writeObject(store, keys.lastHarvest, 'last-harvest', {
    format: 'twarc-cloud/last-harvest@1',
    collection: 'big',
    harvest_id: HARVEST,
    prefix: harvest.prefix,
    ended_at: now,
    outcome: 'completed',
    tweets: FILES,
  });
});
after(async () => {
  await moto.stop();
});

function countFiles(dir: string): number {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jsonl.gz')).length : 0;
}

describe('operating a collection on S3 (moto_server)', { timeout: 180_000 }, () => {
  it('list and changes read the bucket', async () => {
    const rows = JSON.parse((await cli('list', '--format', 'json')).stdout) as Array<{ id: string; lastHarvest?: { tweets: number } }>;
    assert.deepEqual(
      rows.map((r) => [r.id, r.lastHarvest?.tweets]),
      [['big', FILES]],
    );
    const changes = await cli('changes', 'big');
    assert.match(changes.stdout, /create {2}by ada@lab {2}commit abc1234def56 {2}\(Ada <ada@lab>\)/);
  });

  it('status shows a held lock; unlock refuses it, then releases it with --force', async () => {
    const at = new Date().toISOString();
    await writeObject(store, collectionKeys('big').lock, 'lock', {
      format: 'twarc-cloud/lock@1',
      collection: 'big',
      harvest_id: HARVEST,
      holder: { host: 'ip-10-0-0-7', pid: 1, task: 'arn:aws:ecs:us-east-1:123456789012:task/ops/abc' },
      acquired_at: at,
      heartbeat_at: at,
    });
    assert.match((await cli('status', '--format', 'json')).stdout, /"holder": "ip-10-0-0-7 pid 1"/);
    const refused = await cli('unlock', 'big');
    assert.equal(refused.status, 1);
    assertNoCrash(refused);
    assert.match(refused.stderr, /task arn:aws:ecs:us-east-1:123456789012:task\/ops\/abc/);
    assert.equal((await cli('unlock', 'big', '--force')).status, 0);
    assert.match((await cli('status')).stdout, /No harvest is running/);
  });

  it(`download of ${FILES} files resumes after being killed half way, fetching only what is missing`, async () => {
    const dest = join(root, 'big-copy');
    const child = spawn(
      process.execPath,
      [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'download', 'big', '--dest', dest, '--target', 'aws'],
      { cwd: root, env: { PATH: process.env['PATH'], ...env }, stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('close', resolve));
    for (let i = 0; i < 600 && countFiles(dest) < FILES * 0.3; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    child.kill('SIGKILL');
    await exited;
    const before = countFiles(dest);
    assert.ok(before > 0 && before < FILES, `killed half way (${before} of ${FILES} files)`);
    const resumed = await cli('download', 'big', '--dest', dest);
    assert.equal(resumed.status, 0, resumed.stderr);
    const match = /: (\d+) downloaded .*, (\d+) already there/.exec(resumed.stdout);
    const downloaded = Number(match?.[1]);
    const skipped = Number(match?.[2]);
    assert.equal(countFiles(dest), FILES);
    assert.ok(skipped >= before, `the ${before} finished files were kept (${skipped} skipped)`);
    assert.ok(downloaded <= FILES - before + 6, `only what was missing was fetched (${downloaded})`);
    assert.equal(
      readdirSync(dest, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.part')).length,
      0,
      'no partial file is left',
    );
  });

  it('detects a tweet file in the bucket that no longer matches its manifest', async () => {
    await store.put(`${collectionKeys('big').harvest(HARVEST).prefix}tweets-${HARVEST}-0007.jsonl.gz`, gzipSync('tampered\n'));
    const result = await cli('download', 'big', '--dest', join(root, 'second-copy'));
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`MISMATCH: harvests/.*tweets-${HARVEST}-0007\\.jsonl\\.gz`));
  });
});
