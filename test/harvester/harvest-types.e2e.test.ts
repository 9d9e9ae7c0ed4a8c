import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startHarvest } from '../helpers/harvester-process.js';
import {
  localArchive,
  putCollection,
  s3Archive,
  SECRET_BEARER,
  startMoto,
  storedTweets,
  validateArchive,
  type ArchiveFixture,
} from '../helpers/archive-fixtures.js';
import type { Moto } from '../helpers/moto.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto.stop();
});

const archives: Array<[string, () => Promise<ArchiveFixture>]> = [
  ['a local archive', localArchive],
  ['S3 on moto_server', () => s3Archive(moto)],
];

async function harvest(
  archive: ArchiveFixture,
  fake: FakeXApi,
  id: string,
  extraArgs: string[] = [],
): Promise<{ code: number | null; stderr: string }> {
  const run = startHarvest([id, '--archive', archive.location, '--api-base-url', fake.baseUrl, ...extraArgs], archive.env);
  const result = await run.done;
  return { code: result.code, stderr: result.stderr };
}

for (const [where, makeArchive] of archives) {
  describe(`harvesting into ${where}`, () => {
    it('collects user timelines, records user changes, and a rerun fetches only new tweets', async () => {
      const archive = await makeArchive();
      const fake = await new FakeXApi({
        bearerTokens: [SECRET_BEARER],
        corpus: { users: 6, tweetsPerUser: (i) => [150, 0, 30, 3300, 20, 10][i] ?? 0, conditions: { 4: 'suspended', 5: 'protected' } },
      }).start();
      try {
        const [u0, u1, u2, u3, u4, u5] = fake.corpus.users;
        assert.ok(u0 && u1 && u2 && u3 && u4 && u5);
        await putCollection(archive.store, {
          id: 'scientists',
          type: 'user_timeline',
          users: {
            [u0.id]: { screen_name: u0.username },
            [u1.id]: { screen_name: u1.username },
            [u2.id]: { screen_name: 'old_name' },
            [u3.id]: { screen_name: u3.username },
            [u4.id]: { screen_name: u4.username },
            [u5.id]: { screen_name: u5.username },
            '9999999': { screen_name: 'gone' },
          },
          delete_users_for: ['suspended'],
        });
        const first = await harvest(archive, fake, 'scientists');
        assert.equal(first.code, 0, first.stderr);
        const tweets = await storedTweets(archive.store, 'scientists');
        const expected = 150 + 30 + 3200;
        assert.equal(tweets.length, expected, 'every tweet of every harvestable user, the 3,200 cap included');
        assert.equal(new Set(tweets.map((t) => t.id)).size, expected, 'no duplicates');
        assert.equal(fake.count('users'), 1, 'one lookup for 7 users');
        assert.equal(fake.rateLimits.refused.size, 0, 'no request refused with 429');

        const lastHarvest = await readObject(archive.store, collectionKeys('scientists').lastHarvest, 'last-harvest');
        assert.equal(lastHarvest?.value.outcome, 'completed');
        const harvestKeys = collectionKeys('scientists').harvest(lastHarvest.value.harvest_id);
        const changes = await readObject(archive.store, harvestKeys.userChanges, 'user-changes');
        const byUser = new Map(changes?.value.changes.map((c) => [`${c.user_id}:${c.kind}`, c.action]));
        assert.equal(byUser.get(`${u2.id}:renamed`), 'harvested');
        assert.equal(byUser.get(`${u4.id}:suspended`), 'skipped');
        assert.equal(byUser.get(`${u5.id}:protected`), 'skipped');
        assert.equal(byUser.get('9999999:not_found'), 'skipped');
        assert.equal(
          changes?.value.changes.find((c) => c.kind === 'not_found')?.screen_name,
          'gone',
          'an account X no longer returns is named by the name it was last known by',
        );
        const users = await archive.store.get(harvestKeys.users);
        assert.match(users?.body.toString() ?? '', /"__twarc"/);
        const record = await readObject(archive.store, harvestKeys.summary, 'harvest');
        assert.equal(record?.value.tweets, expected);
        const manifest = (await archive.store.get(harvestKeys.manifest))?.body.toString() ?? '';
        assert.equal(manifest.trim().split('\n').length, record.value.files.length);

        const requestsBefore = fake.requests.length;
        fake.corpus.addTimelineTweets(u0.id, 7);
        fake.corpus.addTimelineTweets(u1.id, 3);
        const second = await harvest(archive, fake, 'scientists');
        assert.equal(second.code, 0, second.stderr);
        const after = await storedTweets(archive.store, 'scientists');
        assert.equal(after.length, expected + 10, 'only the 10 new tweets were added');
        assert.equal(new Set(after.map((t) => t.id)).size, expected + 10);
        const timelineRequests = fake.requests.slice(requestsBefore).filter((r) => r.endpoint === 'users/:id/tweets');
        assert.equal(timelineRequests.length, 4, 'one request per harvestable user');
        const withoutSince = timelineRequests.filter((r) => !r.url.includes('since_id='));
        assert.deepEqual(
          withoutSince.map((r) => r.url.split('?')[0]),
          [`/2/users/${u1.id}/tweets`],
          'the rerun asks only for tweets newer than stored, except for the user who had none',
        );
        assert.equal((await validateArchive(archive.store, 'scientists')).harvests, 2);
      } finally {
        await fake.stop();
        await archive.close();
      }
    });

    it('collects a search, and the next search starts after the newest stored tweet', async () => {
      const archive = await makeArchive();
      const fake = await new FakeXApi({
        bearerTokens: [SECRET_BEARER],
        corpus: { users: 5, tweetsPerUser: () => 0, searchTweets: 730 },
      }).start();
      try {
        await putCollection(archive.store, {
          id: 'climate-search',
          type: 'search',
          query: 'climate',
          archive: false,
          output: { tweets_per_file: 300, rotate_minutes: 30 },
        });
        const first = await harvest(archive, fake, 'climate-search');
        assert.equal(first.code, 0, first.stderr);
        const stored = await storedTweets(archive.store, 'climate-search');
        assert.equal(stored.length, 730);
        const long = fake.corpus.searchable.filter((t) => t.json['note_tweet'] !== undefined);
        assert.ok(long.length > 0, 'the corpus holds long posts');
        for (const post of long) {
          const kept = stored.find((t) => t.id === post.id)?.json;
          assert.deepEqual(kept?.['note_tweet'], post.json['note_tweet'], `${post.id}: the whole text of a long post, with its entities`);
        }
        const state = await readObject(archive.store, collectionKeys('climate-search').state, 'state');
        assert.equal(state?.value.search?.since_id, fake.corpus.searchable.at(-1)?.id);
        assert.equal(state?.value.search?.until_id, undefined);
        fake.corpus.addSearchTweets(42);
        const second = await harvest(archive, fake, 'climate-search');
        assert.equal(second.code, 0, second.stderr);
        const all = await storedTweets(archive.store, 'climate-search');
        assert.equal(all.length, 772);
        assert.equal(new Set(all.map((t) => t.id)).size, 772);
        await validateArchive(archive.store, 'climate-search');
      } finally {
        await fake.stop();
        await archive.close();
      }
    });

    it('streams a filter collection until max_records, then exits with its rules in place', async () => {
      const archive = await makeArchive();
      const fake = await new FakeXApi({
        bearerTokens: [SECRET_BEARER],
        corpus: { users: 5, tweetsPerUser: () => 0 },
        stream: { tweets: 10_000, keepAliveMs: 200, recordServed: true },
      }).start();
      try {
        fake.stream.changeRules(SECRET_BEARER, {
          add: [
            { value: 'someone else', tag: 'other-project' },
            { value: 'stale rule', tag: 'live' },
          ],
        });
        await putCollection(archive.store, {
          id: 'live',
          type: 'filter',
          rules: [{ value: 'climate', tag: 'climate' }, { value: 'weather' }],
          max_records: 1200,
          output: { tweets_per_file: 500, rotate_minutes: 30 },
        });
        const run = await harvest(archive, fake, 'live');
        assert.equal(run.code, 0, run.stderr);
        const rules = fake.stream
          .rulesOf(SECRET_BEARER)
          .map((r) => `${r.value}|${r.tag ?? ''}`)
          .sort();
        assert.deepEqual(rules, ['climate|live:climate', 'someone else|other-project', 'weather|live']);
        const tweets = await storedTweets(archive.store, 'live');
        assert.equal(tweets.length, 1200);
        assert.equal(new Set(tweets.map((t) => t.id)).size, 1200);
        const state = await readObject(archive.store, collectionKeys('live').state, 'state');
        assert.equal(state?.value.stream?.tweets, 1200);
        const again = await harvest(archive, fake, 'live');
        assert.equal(again.code, 0, again.stderr);
        assert.equal((await storedTweets(archive.store, 'live')).length, 1200, 'a finished stream collection collects nothing more');
        await validateArchive(archive.store, 'live');
      } finally {
        await fake.stop();
        await archive.close();
      }
    });
  });
}
