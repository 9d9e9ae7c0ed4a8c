/*
 * A collection's monthly budget, held by its harvests: a harvest stops before a page could pass it
 * (a page is at most 100 resources, $1.00 at the dearest price), records the stop as a gap with
 * cause `budget`, and leaves its resume point where a later harvest goes on without a gap.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { localArchive, putCollection, SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';

describe("a collection's monthly budget", { timeout: 120_000 }, () => {
  it('stops a search at the limit with a budget gap, stops the next harvest at once, and a larger budget goes on without a gap', async () => {
    const archive = await localArchive();
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 5, tweetsPerUser: () => 0, searchTweets: 730 },
    }).start();
    try {
      const config = { id: 'floods', type: 'search' as const, query: 'flood', archive: false };
      await putCollection(archive.store, { ...config, budget: { monthly_usd: 2 } });
      const harvest = async () => {
        const done = await startHarvest(['floods', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env).done;
        assert.equal(done.code, 0, done.stderr);
        const last = (await readObject(archive.store, collectionKeys('floods').lastHarvest, 'last-harvest'))?.value;
        assert.ok(last);
        const record = (await readObject(archive.store, collectionKeys('floods').harvest(last.harvest_id).summary, 'harvest'))?.value;
        assert.ok(record);
        return record;
      };

      // Pages of 100 posts at $0.50: after three ($1.50) less than a page's $1.00 is left of $2.00.
      const first = await harvest();
      assert.equal(first.outcome, 'stopped');
      assert.match(first.stop_reason ?? '', /^budget: \$1\.50 of the collection's \$2\.00 for \d{4}-\d{2} spent/);
      assert.equal(first.billable?.posts, 300);
      assert.ok((first.cost?.usd ?? Infinity) <= 2, 'never past the budget');
      assert.ok(first.gaps);
      assert.deepEqual(
        first.gaps.map((g) => g.cause),
        ['budget'],
      );
      const [gap] = first.gaps;
      assert.ok(gap);
      const end = new Date(gap.end);
      assert.equal(end.getUTCDate(), 1, 'the gap lasts to the start of the next month');
      assert.equal(end.getUTCHours(), 0);

      const second = await harvest();
      assert.equal(second.outcome, 'stopped');
      assert.equal(second.billable?.posts, 0, 'the month is spent: no request for posts at all');
      assert.equal(fake.requests.filter((r) => r.endpoint === 'tweets/search/recent').length, 3);

      await putCollection(archive.store, { ...config, budget: { monthly_usd: 10 } });
      const third = await harvest();
      assert.equal(third.outcome, 'completed');
      const stored = await storedTweets(archive.store, 'floods');
      assert.equal(stored.length, 730);
      assert.equal(new Set(stored.map((t) => t.id)).size, 730, 'every post once: the stopped harvest left no gap behind');
    } finally {
      await fake.stop();
      await archive.close();
    }
  });
});
