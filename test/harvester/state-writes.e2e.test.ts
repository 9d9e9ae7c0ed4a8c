/*
 * state.json is written at checkpoints that keep the no-gap guarantee, not once per user:
 * checkpoints with no data pending (a timeline harvest's user lookups) ride with the next file,
 * and a checkpoint never runs ahead of a file still being stored. Counted on the wire to S3 (moto).
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { TweetFiles, type StoredFile } from '../../harvester/output/tweet-files.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { AwsFaultProxy } from '../helpers/aws-fault-proxy.js';
import { putCollection, s3Archive, SECRET_BEARER, startMoto, storedTweets } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';
import type { Moto } from '../helpers/moto.js';

async function files(onStored: (file: StoredFile | undefined, count: number) => void): Promise<TweetFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'twarc-cloud-tweet-files-'));
  return new TweetFiles({
    store: new LocalArchiveStore(join(dir, 'archive')),
    fileKey: (_at, n) => `collections/c/harvests/h/tweets-${n}.jsonl.gz`,
    tweetsPerFile: 1000,
    rotateMs: 3_600_000,
    spoolDir: join(dir, 'spool'),
    onStored: (file, checkpoints) => {
      for (const checkpoint of checkpoints) checkpoint();
      onStored(file, checkpoints.length);
      return Promise.resolve();
    },
  });
}

describe('checkpoints with no data pending', () => {
  it('are saved together when they come in a burst', async () => {
    const saves: number[] = [];
    const tweetFiles = await files((_file, count) => saves.push(count));
    let applied = 0;
    for (let i = 0; i < 100; i += 1) tweetFiles.checkpoint(() => (applied += 1));
    await tweetFiles.close();
    assert.equal(applied, 100);
    assert.deepEqual(saves, [100], 'one save for the burst');
  });

  it('ride with the next file, and never join a save that a file still being stored comes before', async () => {
    const order: string[] = [];
    const tweetFiles = await files((file, count) => order.push(file ? `file with ${count}` : `checkpoints ${count}`));
    tweetFiles.checkpoint(() => undefined);
    await tweetFiles.append([Buffer.from('{"data":[{"id":"1"}]}')], 1, () => undefined);
    void tweetFiles.rotate();
    tweetFiles.checkpoint(() => undefined);
    tweetFiles.checkpoint(() => undefined);
    await tweetFiles.close();
    assert.deepEqual(order, ['file with 2', 'checkpoints 2']);
  });
});

describe('a timeline harvest of 100 users into S3', { timeout: 120_000 }, () => {
  let moto: Moto;
  before(async () => {
    moto = await startMoto();
  });
  after(async () => {
    await moto.stop();
  });

  it('writes state.json once, and makes at most 17 S3 requests in all; a harvest that finds nothing new, 16, without the post id index', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 100, tweetsPerUser: (i) => (i % 4 === 0 ? 0 : 3) },
    }).start();
    const proxy = new AwsFaultProxy(moto.endpoint);
    const endpoint = await proxy.start();
    const archive = await s3Archive(moto);
    try {
      const users = Object.fromEntries(fake.corpus.users.map((u) => [u.id, { screen_name: u.username }]));
      await putCollection(archive.store, { id: 'hundred', type: 'user_timeline', users, delete_users_for: [] });
      const run = await startHarvest(['hundred', '--archive', archive.location, '--api-base-url', fake.baseUrl], {
        ...archive.env,
        AWS_ENDPOINT_URL_S3: endpoint,
        TWARC_CLOUD_STOP_POLL_MS: '10000', // production's poll, not the tests' 200 ms
      }).done;
      assert.equal(run.code, 0, run.stderr);
      assert.equal((await storedTweets(archive.store, 'hundred')).length, 75 * 3);
      const puts = proxy.exchanges.filter((e) => e.service === 's3' && e.method === 'PUT');
      const stateWrites = puts.filter((e) => e.url.split('?')[0]?.endsWith('/state.json')).length;
      assert.equal(stateWrites, 1, `${stateWrites} state.json writes`);
      const s3 = proxy.exchanges.filter((e) => e.service === 's3');
      assert.ok(s3.length <= 17, `${s3.length} S3 requests:\n${s3.map((e) => `${e.method} ${e.url}`).join('\n')}`);
      assert.equal(s3.filter((e) => e.url.split('?')[0]?.endsWith('/post_ids.gz')).length, 2, 'the post id index, read and written once');

      const firstRun = proxy.exchanges.length;
      const again = await startHarvest(['hundred', '--archive', archive.location, '--api-base-url', fake.baseUrl], {
        ...archive.env,
        AWS_ENDPOINT_URL_S3: endpoint,
        TWARC_CLOUD_STOP_POLL_MS: '10000',
      }).done;
      assert.equal(again.code, 0, again.stderr);
      const later = proxy.exchanges.slice(firstRun).filter((e) => e.service === 's3');
      assert.ok(later.length <= 16, `${later.length} S3 requests:\n${later.map((e) => `${e.method} ${e.url}`).join('\n')}`);
      assert.ok(!later.some((e) => e.url.includes('post_ids.gz')), 'nothing new: the count comes from the last harvest');
      const last = await readObject(archive.store, collectionKeys('hundred').lastHarvest, 'last-harvest');
      assert.deepEqual([last?.value.tweets, last?.value.total_tweets, last?.value.distinct_tweets], [0, 75 * 3, 75 * 3]);
    } finally {
      await proxy.stop();
      await fake.stop();
      await archive.close();
    }
  });
});
