import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi, type Scenario } from '../../simulator/x-api/server.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { localArchive, putCollection, SECRET_BEARER, storedTweets, type ArchiveFixture } from '../helpers/archive-fixtures.js';

async function withFake(scenario: Scenario, body: (fake: FakeXApi, archive: ArchiveFixture) => Promise<void>): Promise<void> {
  const fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], ...scenario }).start();
  const archive = await localArchive();
  try {
    await body(fake, archive);
  } finally {
    await fake.stop();
  }
}

async function harvest(
  archive: ArchiveFixture,
  fake: FakeXApi,
  id: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string }> {
  const run = startHarvest([id, '--archive', archive.location, '--api-base-url', fake.baseUrl], { ...archive.env, ...env });
  return run.done;
}

async function timelineCollection(fake: FakeXApi, archive: ArchiveFixture, id = 'faulty'): Promise<number> {
  const users = Object.fromEntries(fake.corpus.users.map((u) => [u.id, { screen_name: u.username }]));
  await putCollection(archive.store, {
    id,
    type: 'user_timeline',
    users,
    delete_users_for: [],
    output: { tweets_per_file: 200, rotate_minutes: 30 },
  });
  return fake.corpus.users.reduce((sum, u) => sum + Math.min(3200, fake.corpus.timeline(u.id).length), 0);
}

async function record(archive: ArchiveFixture, id: string) {
  const last = await readObject(archive.store, collectionKeys(id).lastHarvest, 'last-harvest');
  assert.ok(last, 'last_harvest.json is written');
  const found = await readObject(archive.store, collectionKeys(id).harvest(last.value.harvest_id).summary, 'harvest');
  assert.ok(found, 'harvest.json is written');
  assert.equal(await archive.store.get(collectionKeys(id).lock), undefined, 'no lock is left behind');
  return found.value;
}

function assertComplete(tweets: ReadonlyArray<{ id: string }>, expected: number): void {
  assert.equal(tweets.length, expected, 'every tweet the API holds is stored');
  assert.equal(new Set(tweets.map((t) => t.id)).size, expected, 'no tweet is stored twice');
}

describe('the harvester under API faults', () => {
  it('stops at a used-up monthly post cap without hammering the API: a clear message, exit 1, state saved, and the next harvest completes the collection', async () => {
    await withFake({ corpus: { users: 4, tweetsPerUser: () => 250 } }, async (fake, archive) => {
      const expected = await timelineCollection(fake, archive, 'capped');
      // After four timeline pages, every timeline request meets the used-up cap (a 429 whose headers show quota left).
      fake.inject('users/:id/tweets', { kind: 'usage-cap' }, 10_000, 4);
      const ended = await startHarvest(
        ['capped', '--archive', archive.location, '--api-base-url', fake.baseUrl, '--concurrency', '1'],
        archive.env,
      ).done;
      assert.equal(ended.code, 1, ended.stderr);
      assert.match(ended.stderr, /monthly post cap of this app's project is used up/);
      assert.equal(fake.count('users/:id/tweets', 429), 1, 'the first capped answer ends the harvest: no stream of retries');
      const summary = await record(archive, 'capped');
      assert.equal(summary.outcome, 'failed');
      assert.match(summary.stop_reason ?? '', /monthly post cap/);
      assert.ok(summary.tweets > 0, 'what was stored before the cap is kept');
      fake.clearFaults();
      const resumed = await harvest(archive, fake, 'capped');
      assert.equal(resumed.code, 0, resumed.stderr);
      assertComplete(await storedTweets(archive.store, 'capped'), expected);
    });
  });

  it('rides out a 429 storm by waiting for the reset, and records the waits', async () => {
    await withFake({ corpus: { users: 4, tweetsPerUser: () => 250 } }, async (fake, archive) => {
      const expected = await timelineCollection(fake, archive);
      fake.inject('users/:id/tweets', { kind: '429', resetInMs: 600 }, 3);
      const run = await harvest(archive, fake, 'faulty');
      assert.equal(run.code, 0, run.stderr);
      assertComplete(await storedTweets(archive.store, 'faulty'), expected);
      const summary = await record(archive, 'faulty');
      assert.equal(summary.outcome, 'completed');
      assert.ok(summary.rate_limit_waits.count >= 1, 'the waits for the reset are counted');
    });
  });

  it('never spends a request into a 429 when the window runs out', async () => {
    await withFake(
      { corpus: { users: 12, tweetsPerUser: () => 90 }, rateLimits: { 'users/:id/tweets': { limit: 5, windowMs: 2000 } } },
      async (fake, archive) => {
        const expected = await timelineCollection(fake, archive);
        const run = await harvest(archive, fake, 'faulty');
        assert.equal(run.code, 0, run.stderr);
        assertComplete(await storedTweets(archive.store, 'faulty'), expected);
        assert.equal(fake.count('users/:id/tweets', 429), 0, 'no request met a 429');
        assert.equal(fake.count('users/:id/tweets'), 12, 'one page per user, nothing wasted');
        // A window of 2 s: five requests fill it long before it ends, even on a busy machine, so the gate must wait twice.
        assert.ok((await record(archive, 'faulty')).rate_limit_waits.count >= 2);
      },
    );
  });

  it('retries 503s, connection resets mid-page and stalled responses without losing or doubling a page', async () => {
    await withFake({ corpus: { users: 5, tweetsPerUser: () => 230 } }, async (fake, archive) => {
      const expected = await timelineCollection(fake, archive);
      fake.inject('users/:id/tweets', { kind: '503' }, 2);
      fake.inject('users/:id/tweets', { kind: 'reset' }, 2);
      fake.inject('users/:id/tweets', { kind: 'stall', ms: 2500 }, 1);
      fake.inject('users', { kind: 'reset' }, 1);
      const run = await harvest(archive, fake, 'faulty');
      assert.equal(run.code, 0, run.stderr);
      assertComplete(await storedTweets(archive.store, 'faulty'), expected);
      const summary = await record(archive, 'faulty');
      assert.equal(summary.outcome, 'completed');
      assert.ok(summary.errors.length >= 6, `each failure is recorded: ${JSON.stringify(summary.errors)}`);
    });
  });

  it('fails cleanly when the API stays down, keeping state where the stored data ends', async () => {
    await withFake({ corpus: { users: 2, tweetsPerUser: () => 50 } }, async (fake, archive) => {
      await timelineCollection(fake, archive);
      fake.inject('users/:id/tweets', { kind: '503' }, 1000);
      const run = await harvest(archive, fake, 'faulty');
      assert.equal(run.code, 1);
      assert.match(run.stderr, /failed 10 times in a row/);
      assert.doesNotMatch(run.stderr, /internal error|\n\s+at /);
      const summary = await record(archive, 'faulty');
      assert.equal(summary.outcome, 'failed');
      const state = await readObject(archive.store, collectionKeys('faulty').state, 'state');
      assert.ok(
        Object.values(state?.value.users ?? {}).every((u) => u.since_id === undefined),
        'no since_id without stored tweets',
      );
    });
  });

  it('reconnects through operational disconnects, malformed lines, resets and silent stalls', async () => {
    await withFake(
      { corpus: { users: 3, tweetsPerUser: () => 0 }, stream: { tweets: 100_000, keepAliveMs: 100, recordServed: true } },
      async (fake, archive) => {
        await putCollection(archive.store, {
          id: 'stream',
          type: 'filter',
          rules: [{ value: 'climate' }],
          max_records: 800,
          output: { tweets_per_file: 150, rotate_minutes: 30 },
        });
        fake.injectStreamFault(100, { kind: 'operational-disconnect' });
        fake.injectStreamFault(200, { kind: 'malformed-line' });
        fake.injectStreamFault(300, { kind: 'reset' });
        fake.injectStreamFault(400, { kind: 'stall', ms: 2500 });
        const run = await harvest(archive, fake, 'stream');
        assert.equal(run.code, 0, run.stderr);
        const tweets = await storedTweets(archive.store, 'stream');
        assertComplete(tweets, 800);
        const served = new Set(fake.stream.served);
        assert.ok(
          tweets.every((t) => served.has(t.id)),
          'only tweets the API sent',
        );
        const summary = await record(archive, 'stream');
        assert.ok(summary.reconnects >= 3, `reconnected after each disconnect (${summary.reconnects})`);
        assert.ok(
          summary.errors.some((e) => e.message.includes('malformed')),
          'the malformed line is recorded',
        );
        assert.ok(
          (summary.gaps ?? []).some((gap) => gap.cause.includes('silent')),
          `the stall is noticed as silence, a gap of the harvest: ${JSON.stringify(summary.gaps)}`,
        );
        assert.ok(fake.stream.connections >= 4);
      },
    );
  });

  it("waits out TooManyConnections while another client holds the app's one connection", async () => {
    await withFake(
      { corpus: { users: 3, tweetsPerUser: () => 0 }, stream: { tweets: 100_000, keepAliveMs: 100 } },
      async (fake, archive) => {
        await putCollection(archive.store, {
          id: 'stream',
          type: 'filter',
          rules: [{ value: 'climate' }],
          max_records: 50,
          output: { tweets_per_file: 150, rotate_minutes: 30 },
        });
        const held = request(`${fake.baseUrl}tweets/search/stream`, { headers: { authorization: `Bearer ${SECRET_BEARER}` } });
        held.on('response', (response) => response.resume());
        held.on('error', () => undefined);
        held.end();
        const run = startHarvest(['stream', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env);
        await run.waitForLog(/TooManyConnections/);
        held.destroy();
        const result = await run.done;
        assert.equal(result.code, 0, result.stderr);
        assert.equal((await storedTweets(archive.store, 'stream')).length, 50);
        assert.ok(fake.count('tweets/search/stream', 429) >= 1);
      },
    );
  });

  it('explains that searches need a bearer token when the profile has only user-context keys', async () => {
    await withFake({ corpus: { users: 2, tweetsPerUser: () => 0, searchTweets: 20 } }, async (fake, archive) => {
      await putCollection(archive.store, { id: 'archive-search', type: 'search', query: 'climate', archive: true });
      const env = {
        ...archive.env,
        TWARC_CLOUD_DEFAULT_BEARER_TOKEN: '',
        TWARC_CLOUD_DEFAULT_CONSUMER_KEY: 'ck-planted-1234',
        TWARC_CLOUD_DEFAULT_CONSUMER_SECRET: 'cs-planted-1234',
        TWARC_CLOUD_DEFAULT_ACCESS_TOKEN: 'at-planted-1234',
        TWARC_CLOUD_DEFAULT_ACCESS_TOKEN_SECRET: 'ats-planted-1234',
      };
      const run = await harvest(archive, fake, 'archive-search', env);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /accepts only app authentication/);
      assert.equal(fake.count('tweets/search/all', 403), 1, 'the 403 is believed at once, not retried');
      assert.equal((await record(archive, 'archive-search')).outcome, 'failed');
    });
  });
});
