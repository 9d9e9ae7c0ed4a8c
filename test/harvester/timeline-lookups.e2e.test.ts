/*
 * No paid read that is not needed: a timeline harvest looks its accounts up (a user read each) when
 * the last look-up is `lookup_every` old, and for accounts it never looked up; between look-ups it
 * still records renames, from the authors X returns with the posts, and looks an account up at once
 * when X refuses its timeline. harvest.json records what each harvest bought.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { userObject } from '../../simulator/x-api/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { localArchive, putCollection, SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';

const lookupRequests = (fake: FakeXApi, since: number): string[][] =>
  fake.requests
    .slice(since)
    .filter((r) => r.endpoint === 'users')
    .map((r) => (new URL(r.url, 'http://x').searchParams.get('ids') ?? '').split(','));

describe('the look-ups of an hourly timeline harvest', { timeout: 120_000 }, () => {
  it('looks 100 accounts up on the first run, none on the second, and still records a rename from the posts', async () => {
    const archive = await localArchive();
    const fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 100, tweetsPerUser: () => 3 } }).start();
    try {
      const users = fake.corpus.users;
      await putCollection(archive.store, {
        id: 'hourly',
        type: 'user_timeline',
        schedule: 'rate(1 hour)',
        delete_users_for: [],
        users: Object.fromEntries(users.map((u) => [u.id, { screen_name: u.username }])),
      });
      const harvest = async (): Promise<void> => {
        const done = await startHarvest(['hourly', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env).done;
        assert.equal(done.code, 0, done.stderr);
      };
      const lastRecord = async () => {
        const last = (await readObject(archive.store, collectionKeys('hourly').lastHarvest, 'last-harvest'))?.value;
        assert.ok(last);
        const keys = collectionKeys('hourly').harvest(last.harvest_id);
        return {
          record: (await readObject(archive.store, keys.summary, 'harvest'))?.value,
          changes: (await readObject(archive.store, keys.userChanges, 'user-changes'))?.value.changes ?? [],
        };
      };

      let before = fake.requests.length;
      await harvest();
      const first = lookupRequests(fake, before);
      assert.equal(first.flat().length, 100, 'every account looked up once');
      assert.equal(first.length, 1, '100 ids a request');
      const { record } = await lastRecord();
      assert.deepEqual(
        [record?.billable?.posts, record?.billable?.users, record?.billable?.counts_recent_requests],
        [300, 100, 0],
        'harvest.json records the 300 posts and 100 users it read',
      );
      assert.ok((record?.billable?.possibly_users ?? 0) >= 100, 'the authors expansions brought, apart as possibly billed');
      // 300 x $0.005 + 100 x $0.010
      assert.equal(record?.cost?.usd, 2.5);

      const renamed = users[7];
      assert.ok(renamed);
      const oldName = renamed.username;
      renamed.username = 'renamed_seven';
      fake.corpus.addTimelineTweets(renamed.id, 1);
      before = fake.requests.length;
      await harvest();
      assert.deepEqual(lookupRequests(fake, before), [], 'no look-up an hour after the last');
      const second = await lastRecord();
      assert.deepEqual(
        second.changes.filter((c) => c.kind === 'renamed'),
        [{ user_id: renamed.id, kind: 'renamed', screen_name: 'renamed_seven', previous_screen_name: oldName, action: 'harvested' }],
        'the rename, seen in the author of the new post',
      );
      assert.ok(second.record?.billable);
      assert.equal(second.record.billable.users, 0);
      assert.equal(second.record.billable.posts, 1);
      const state = (await readObject(archive.store, collectionKeys('hourly').state, 'state'))?.value;
      assert.equal(state?.users?.[renamed.id]?.screen_name, 'renamed_seven');

      const suspended = users[3];
      assert.ok(suspended);
      suspended.condition = 'suspended';
      before = fake.requests.length;
      await harvest();
      assert.deepEqual(lookupRequests(fake, before), [[suspended.id]], 'a refused timeline is looked up at once, alone');
      const third = await lastRecord();
      assert.deepEqual(
        third.changes.map((c) => [c.user_id, c.kind]),
        [[suspended.id, 'suspended']],
      );
    } finally {
      await fake.stop();
      await archive.close();
    }
  });

  it('looks up again once lookup_every has passed, and at once for an account added since', async () => {
    const archive = await localArchive();
    const fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 3, tweetsPerUser: () => 2 } }).start();
    try {
      const [a, b, c] = fake.corpus.users;
      assert.ok(a && b && c);
      const config = { id: 'weekly', type: 'user_timeline' as const, lookup_every: '7 days', delete_users_for: [] };
      await putCollection(archive.store, {
        ...config,
        users: { [a.id]: { screen_name: a.username }, [b.id]: { screen_name: b.username } },
      });
      const harvest = async (): Promise<void> => {
        const done = await startHarvest(['weekly', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env).done;
        assert.equal(done.code, 0, done.stderr);
      };
      await harvest();
      await putCollection(archive.store, {
        ...config,
        users: { [a.id]: { screen_name: a.username }, [b.id]: { screen_name: b.username }, [c.id]: { screen_name: c.username } },
      });
      let before = fake.requests.length;
      await harvest();
      assert.deepEqual(lookupRequests(fake, before), [[c.id]], 'only the account never looked up');

      // Eight days on: the state says the last look-up of every account was then.
      const stateKey = collectionKeys('weekly').state;
      const state = (await readObject(archive.store, stateKey, 'state'))?.value;
      assert.ok(state?.users_looked_up_at);
      const { writeObject } = await import('../../platform/archive/objects.js');
      const eightDaysBefore = (at: string): string => new Date(Date.parse(at) - 8 * 86_400_000).toISOString();
      const countOfA = (userObject(a)['public_metrics'] as { tweet_count: number }).tweet_count;
      const stateOfA = state.users?.[a.id];
      assert.equal(stateOfA?.tweet_count, countOfA, 'each look-up keeps the account’s post count');
      assert.ok(stateOfA.tweet_count_at);
      await writeObject(archive.store, stateKey, 'state', {
        ...state,
        users_looked_up_at: eightDaysBefore(state.users_looked_up_at),
        // As if a had posted 80 times since a look-up eight days ago.
        users: {
          ...state.users,
          [a.id]: { ...stateOfA, tweet_count: countOfA - 80, tweet_count_at: eightDaysBefore(stateOfA.tweet_count_at) },
        },
      });
      before = fake.requests.length;
      await harvest();
      assert.deepEqual(
        lookupRequests(fake, before).flat().sort(),
        [a.id, b.id, c.id].sort(),
        'every account, once the last look-up is 7 days old',
      );
      const after = (await readObject(archive.store, stateKey, 'state'))?.value;
      assert.equal(
        after?.users?.[a.id]?.posts_per_day,
        10,
        'its posts a day between the two look-ups, for the plan to price its months with',
      );
    } finally {
      await fake.stop();
      await archive.close();
    }
  });
});
