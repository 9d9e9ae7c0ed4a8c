/*
 * X's searches may answer a page with no results that still carries a next_token (the stretch it
 * scanned held no match); the results go on after it. A harvest that took such a page for the end
 * would move since_id past every older tweet it never fetched: a gap for good.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { localArchive, putCollection, SECRET_BEARER, storedTweets, validateArchive } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';

describe('a search whose pages include empty ones with a next_token', { timeout: 60_000 }, () => {
  it('reads on past every empty page and stores every tweet once', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 5, tweetsPerUser: () => 0, searchTweets: 350 },
      searchEmptyPages: true,
    }).start();
    const archive = await localArchive();
    try {
      await putCollection(archive.store, { id: 'sparse', type: 'search', query: 'climate', archive: false });
      const run = await startHarvest(['sparse', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env).done;
      assert.equal(run.code, 0, run.stderr);
      const tweets = await storedTweets(archive.store, 'sparse');
      assert.equal(tweets.length, 350);
      assert.equal(new Set(tweets.map((t) => t.id)).size, 350);
      assert.ok(fake.count('tweets/search/recent') >= 7, 'the empty pages were asked for and passed');
      await validateArchive(archive.store, 'sparse');
    } finally {
      await fake.stop();
      await archive.close();
    }
  });
});
