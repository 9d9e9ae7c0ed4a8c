import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const SECRET = 'v1-planted-consumer-secret-XYZ987';
let moto: Moto;
let env: NodeJS.ProcessEnv;

/** An S3 client of moto's, for the buckets a test sets up as v1 left them. */
function s3Client(): ReturnType<typeof createS3Client> {
  return createS3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

before(async () => {
  moto = await startMoto();
  env = { AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };
  const s3 = s3Client();
  await s3.send(new CreateBucketCommand({ Bucket: 'old-twarc-cloud' }));
  const old = new S3ArchiveStore(s3, { bucket: 'old-twarc-cloud', prefix: '' });
  const keys = { consumer_key: 'ck-1234567', consumer_secret: SECRET, access_token: 'at-1234567', access_token_secret: 'ats-1234567' };
  await old.put(
    'collections/Climate_Scientists/collection.json',
    JSON.stringify({
      id: 'Climate_Scientists',
      type: 'user_timeline',
      keys,
      users: { '12': { screen_name: 'jack', since_id: '1500000000000000000' }, '481186914': { screen_name: 'justin_littman' } },
      delete_users_for: ['suspended', 'not_found'],
      timestamp: '2019-05-01T00:00:00Z',
    }),
  );
  await old.put(
    'collections/climate-search/collection.json',
    JSON.stringify({
      id: 'climate-search',
      type: 'search',
      keys,
      search: { query: 'climate change', since_id: '1400000000000000000', max_records: '5000' },
    }),
  );
  await old.put(
    'collections/climate-stream/collection.json',
    JSON.stringify({ id: 'climate-stream', type: 'filter', keys, filter: { track: 'climate, #globalwarming', follow: '12,13' } }),
  );
  await old.put('collections/climate-stream/harvests/2019/05/01/00/00/00/tweets-1.jsonl.gz', 'old data');
  // The original's quick start wrote keys under `credentials`; and its ids had no length limit.
  await old.put(
    'collections/Election_2019_Candidates_And_Their_Campaign_Staff/collection.json',
    JSON.stringify({
      id: 'Election_2019_Candidates_And_Their_Campaign_Staff',
      type: 'user_timeline',
      credentials: keys,
      users: { '12': { screen_name: 'jack' } },
    }),
  );
});
after(async () => {
  await moto.stop();
});

describe('import of an original Twarc-Cloud bucket', { timeout: 60_000 }, () => {
  for (const target of ['local', 'aws'] as const) {
    it(`writes YAML files that validate, carries since_ids into the ${target} archive, and never copies the keys`, async () => {
      const settings =
        target === 'aws'
          ? `deployment: imp\ntarget: aws\naws:\n  bucket: imported-${target}\n  region: us-east-1\n`
          : 'deployment: imp\nlocal:\n  archive: ./archive\n';
      const root = tempProject({ 'twarc-cloud.yaml': settings });
      if (target === 'aws')
        await createS3Client({
          endpoint: moto.endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        }).send(new CreateBucketCommand({ Bucket: `imported-${target}` }));
      const result = await runCliAsync(['import', '--bucket', 'old-twarc-cloud', '--target', target], { cwd: root, env });
      assert.equal(result.status, 0, result.stderr);
      assertNoCrash(result);
      assert.deepEqual(readdirSync(join(root, 'collections')).sort(), [
        'climate-scientists.yaml',
        'climate-search.yaml',
        'climate-stream.yaml',
        'election-2019-candidates-and-their-camp.yaml',
      ]);
      assert.match(result.stdout, /id "Climate_Scientists" became "climate-scientists"/);
      assert.match(result.stderr, /4 of the old configs held API keys\. They were NOT copied/);
      for (const name of readdirSync(join(root, 'collections'))) {
        const text = readFileSync(join(root, 'collections', name), 'utf8');
        assert.ok(!text.includes(SECRET) && !text.includes('ck-1234567'), `${name} holds no key`);
        assert.match(text, /^state: suspended$/m);
      }
      assert.ok(!(result.stdout + result.stderr).includes(SECRET));
      assert.match(readFileSync(join(root, 'collections', 'climate-stream.yaml'), 'utf8'), /track:\n {2}- climate\n {2}- "#globalwarming"/);
      const validate = await runCliAsync(['validate'], { cwd: root, env });
      assert.equal(validate.status, 0, validate.stdout + validate.stderr);
      const store =
        target === 'aws'
          ? new S3ArchiveStore(
              createS3Client({
                endpoint: moto.endpoint,
                region: 'us-east-1',
                forcePathStyle: true,
                credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
              }),
              { bucket: `imported-${target}`, prefix: '' },
            )
          : new LocalArchiveStore(join(root, 'archive'));
      assert.equal(
        (await readObject(store, collectionKeys('climate-scientists').state, 'state'))?.value.users?.['12']?.since_id,
        '1500000000000000000',
      );
      assert.equal(
        (await readObject(store, collectionKeys('climate-search').state, 'state'))?.value.search?.since_id,
        '1400000000000000000',
      );
      const again = await runCliAsync(['import', '--bucket', 'old-twarc-cloud', '--target', target], { cwd: root, env });
      assert.match(again.stderr, /exists already; not overwritten/);
    });
  }

  it('writes nothing through a dangling link in collections/, and imports the rest', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: imp\nlocal:\n  archive: ./archive\n' });
    const outside = join(tempProject(), 'planted.yaml');
    mkdirSync(join(root, 'collections'));
    symlinkSync(outside, join(root, 'collections', 'climate-search.yaml'));
    const result = await runCliAsync(['import', '--bucket', 'old-twarc-cloud'], { cwd: root, env });
    assertNoCrash(result);
    assert.match(result.stderr, /climate-search: .*climate-search\.yaml exists already; not overwritten/);
    assert.ok(!existsSync(outside), 'nothing was written outside the repository');
    assert.ok(existsSync(join(root, 'collections', 'climate-stream.yaml')), 'the other collections are imported');
  });

  it('passes over since_ids that are not post ids and a collection.json that is null, with notes, and imports the rest', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: imp\nlocal:\n  archive: ./archive\n' });
    const s3 = s3Client();
    await s3.send(new CreateBucketCommand({ Bucket: 'odd-v1' }));
    const odd = new S3ArchiveStore(s3, { bucket: 'odd-v1', prefix: '' });
    const search = (id: string, sinceId: string) =>
      `{"id": "${id}", "type": "search", "search": {"query": "climate", "since_id": ${sinceId}}}`;
    await odd.put('collections/path/collection.json', search('path', '"../../etc"'));
    await odd.put('collections/huge/collection.json', search('huge', '1.23e29'));
    await odd.put('collections/endless/collection.json', search('endless', '1e400'));
    await odd.put('collections/nothing/collection.json', 'null');
    const result = await runCliAsync(['import', '--bucket', 'odd-v1'], { cwd: root, env });
    assertNoCrash(result);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    for (const id of ['path', 'huge', 'endless']) {
      assert.ok(existsSync(join(root, 'collections', `${id}.yaml`)), `${id} is imported`);
      assert.match(result.stdout, new RegExp(`\\+ collections/${id}\\.yaml\\n`), `${id}: no since_id carried over`);
    }
    assert.equal((result.stdout.match(/the search's since_id .* is not a post id; not carried over/g) ?? []).length, 3);
    assert.match(result.stderr, /collections\/nothing\/collection\.json: not a v1 collection \(null\), skipped/);
  });

  it('says so when the bucket holds no v1 collection', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: imp\nlocal:\n  archive: ./archive\n' });
    await s3Client().send(new CreateBucketCommand({ Bucket: 'empty-old' }));
    const result = await runCliAsync(['import', '--bucket', 'empty-old'], { cwd: root, env });
    assert.equal(result.status, 1);
    assertNoCrash(result);
    assert.match(result.stderr, /no v1 collection\.json found in s3:\/\/empty-old/);
  });
});
