/*
 * A recent search that resumes more than 7 days after its last harvest: X no longer serves what
 * lies between, and refuses a since_id from before its window with a 400. The harvest continues
 * from the oldest time X serves, stores everything X still has, records the stretch it could not
 * reach in harvest.json, and `last` says so.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets, validateArchive } from '../helpers/archive-fixtures.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const DAY = 24 * 3_600_000;

describe('a recent search resumed after more than 7 days', { timeout: 120_000 }, () => {
  it('continues from the oldest time X serves, keeps all X still has, and records and shows the gap', async () => {
    const now = Date.now();
    // X's clock, moved back 8 days for the first harvest: a week passes between the two.
    let xClock = now - 8 * DAY;
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 4, tweetsPerUser: () => 0, searchTweets: 150, startTime: now - 14 * DAY, spacingMs: 4 * 3_600_000 },
      now: () => xClock,
    }).start();
    try {
      const root = tempProject({
        'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
        'collections/weekly.yaml': 'id: weekly\ntype: search\nquery: climate\nschedule: rate(1 day)\n',
      });
      execFileSync('git', ['-C', root, 'init', '-q']);
      const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
      const cli = (...args: string[]) => runCliAsync(args, { cwd: root, env });
      assert.equal((await cli('apply', '--yes')).status, 0);

      const first = await cli('run', 'weekly');
      assert.equal(first.status, 0, first.stderr);
      const store = new LocalArchiveStore(join(root, 'archive'));
      const firstIds = new Set((await storedTweets(store, 'weekly')).map((t) => t.id));
      assert.ok(firstIds.size > 0, 'the first harvest found tweets of its 7 days');

      xClock = now;
      const second = await cli('run', 'weekly');
      assert.equal(second.status, 0, second.stderr);

      const last = (await readObject(store, collectionKeys('weekly').lastHarvest, 'last-harvest'))?.value;
      assert.ok(last);
      assert.equal(last.outcome, 'completed');
      const record = (await readObject(store, collectionKeys('weekly').harvest(last.harvest_id).summary, 'harvest'))?.value;
      assert.equal(record?.gaps?.length, 1, JSON.stringify(record?.gaps));
      const gap = record.gaps[0];
      assert.ok(gap);
      const [gapStart, gapEnd] = [Date.parse(gap.start), Date.parse(gap.end)];

      const stored = new Set((await storedTweets(store, 'weekly')).map((t) => t.id));
      const posted = fake.corpus.searchable.filter((t) => t.createdAt < now);
      const within = posted.filter((t) => t.createdAt >= gapStart && t.createdAt < gapEnd);
      assert.ok(within.length > 0, 'the week between holds tweets X no longer serves');
      for (const tweet of posted) {
        const inGap = tweet.createdAt > gapStart && tweet.createdAt < gapEnd;
        const reachable = tweet.createdAt >= now - 8 * DAY - 7 * DAY;
        if (reachable && !inGap)
          assert.ok(stored.has(tweet.id), `tweet ${tweet.id} of ${new Date(tweet.createdAt).toISOString()} is stored`);
        if (inGap) assert.ok(!stored.has(tweet.id) || firstIds.has(tweet.id), 'nothing in the gap but what the first harvest had');
      }
      assert.equal(fake.count('tweets/search/recent', 400), 0, 'X never had to refuse a request');
      await validateArchive(store, 'weekly');

      const shown = await cli('last', 'weekly');
      assert.equal(shown.status, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`gap ${gap.start} -> ${gap.end}: recent search serves only the last 7 days`));
    } finally {
      await fake.stop();
    }
  });
});
