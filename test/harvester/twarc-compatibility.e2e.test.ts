/*
 * Researchers read our files with twarc2's own tools: every file must go through them whole.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { collectionKeys } from '../../platform/archive/keys.js';
import { listAll } from '../../platform/archive/store.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { readWithTwarcTools } from '../helpers/python-tools.js';
import { localArchive, putCollection, SECRET_BEARER, type ArchiveFixture } from '../helpers/archive-fixtures.js';

let fake: FakeXApi;
let archive: ArchiveFixture;

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 4, tweetsPerUser: () => 120, searchTweets: 260 },
    stream: { tweets: 1_000_000, keepAliveMs: 100 },
  }).start();
  archive = await localArchive();
  const users = Object.fromEntries(fake.corpus.users.map((u) => [u.id, { screen_name: u.username }]));
  const output = { tweets_per_file: 150, rotate_minutes: 30 };
  await putCollection(archive.store, { id: 'timelines', type: 'user_timeline', users, delete_users_for: [], output });
  await putCollection(archive.store, { id: 'search', type: 'search', query: 'climate', archive: false, output });
  await putCollection(archive.store, { id: 'stream', type: 'filter', rules: [{ value: 'climate', tag: 'c' }], max_records: 300, output });
  for (const id of ['timelines', 'search', 'stream']) {
    const result = await startHarvest([id, '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env).done;
    assert.equal(result.code, 0, result.stderr);
  }
});

after(async () => {
  await fake.stop();
});

async function tweetFiles(collectionId: string): Promise<Array<{ key: string; text: string; tweets: number }>> {
  const files = [];
  for await (const object of listAll(archive.store, collectionKeys(collectionId).harvestsPrefix)) {
    if (!object.key.endsWith('.jsonl.gz')) continue;
    const text = gunzipSync((await archive.store.get(object.key))?.body ?? Buffer.alloc(0)).toString('utf8');
    const tweets = text
      .split('\n')
      .filter(Boolean)
      .reduce((sum, line) => {
        const data = (JSON.parse(line) as { data: unknown }).data;
        return sum + (Array.isArray(data) ? data.length : 1);
      }, 0);
    files.push({ key: object.key, text, tweets });
  }
  return files;
}

for (const collectionId of ['timelines', 'search', 'stream']) {
  describe(`${collectionId} files read by twarc2's tools`, () => {
    it('twarc2 flatten turns every line into its tweets, and twarc-csv makes a row of each', async () => {
      const files = await tweetFiles(collectionId);
      assert.ok(files.length >= 2, 'rotation produced several files');
      for (const file of files) {
        const { flattened, csvRows } = await readWithTwarcTools(file.text, file.key);
        assert.equal(flattened.length, file.tweets, `flatten of ${file.key}`);
        const first = JSON.parse(flattened[0] ?? '{}') as { author?: { username?: string }; __twarc?: { url?: string } };
        assert.ok(first.author?.username, 'expansions resolved: the author is inlined');
        assert.ok(first.__twarc?.url, '__twarc travels with each tweet');
        assert.equal(csvRows, file.tweets, `csv rows of ${file.key}`);
      }
    });
  });
}
