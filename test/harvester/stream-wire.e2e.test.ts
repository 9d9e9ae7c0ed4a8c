/*
 * The filtered stream as X may put it on the wire: every message split at a different byte (inside
 * JSON, inside a multi-byte character, inside \r\n), members in any order, rule ids as JSON numbers,
 * errors beside the data, and messages that matched rules the app holds for something else. Every
 * tweet that matched the collection's rules is stored exactly once; the others are kept apart and
 * counted, never dropped.
 */

import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { STREAM_GROUPS_PREFIX, streamGroupRunKeys } from '../../platform/archive/keys.js';
import { listAll } from '../../platform/archive/store.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { localArchive, putCollection, SECRET_BEARER, storedTweets, validateArchive } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';

describe('the filtered stream as it arrives on the wire', { timeout: 120_000 }, () => {
  it('stores every matched tweet exactly once and keeps, counts and reports the unmatched ones', async () => {
    const archive = await localArchive();
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      // No long posts: a message split at each of its bytes needs as many messages as its bytes, and a
      // message with long posts in its data and includes runs past 30 kB (other stream specs carry them).
      corpus: { users: 5, tweetsPerUser: () => 0, longestPost: 0 },
      stream: {
        tweets: 1_000_000,
        keepAliveMs: 200,
        recordServed: true,
        wire: { numericRuleIds: true, reorderMembers: true, splitAtEveryOffset: true, errorsInside: true, foreignRuleEvery: 7 },
      },
    }).start();
    try {
      // Enough messages that message k is split at byte k for every byte of a message.
      const matched = 7000;
      await putCollection(archive.store, {
        id: 'live',
        type: 'filter',
        rules: [{ value: 'climate' }],
        max_records: matched,
        output: { tweets_per_file: 500, rotate_minutes: 30 },
      });
      const run = startHarvest(['live', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env);
      const done = await run.done;
      assert.equal(done.code, 0, done.stderr);
      assert.ok(
        fake.stream.served.length > fake.stream.longestMessage,
        `each byte offset of a message was a split point (${fake.stream.served.length} messages, the longest ${fake.stream.longestMessage} bytes)`,
      );

      const served = fake.stream.served;
      const foreign = new Set(fake.stream.servedForeign);
      const expected = served.filter((id) => !foreign.has(id));
      const stored = (await storedTweets(archive.store, 'live')).map((t) => t.id);
      assert.equal(stored.length, matched);
      assert.deepEqual(stored, expected.slice(0, matched), 'every matched tweet, once, in order');

      // A collection harvested by itself is a stream group of one: what matched none of its rules is the group's.
      const runs: string[] = [];
      for await (const object of listAll(archive.store, STREAM_GROUPS_PREFIX))
        if (object.key.endsWith('/stream-group.json')) runs.push(object.key);
      assert.equal(runs.length, 1, 'one run of the group');
      const record = (await readObject(archive.store, runs[0] ?? '', 'stream-group'))?.value;
      assert.ok(record, 'the group records its run');
      assert.deepEqual([record.outcome, record.members.map((member) => member.collection)], ['completed', ['live']]);
      const unmatchedServed = served.slice(0, served.indexOf(expected[matched - 1] ?? '')).filter((id) => foreign.has(id));
      assert.equal(record.unmatched.messages, unmatchedServed.length, 'every unmatched message is counted');
      const kept: string[] = [];
      for (const name of record.unmatched.files) {
        const body = await archive.store.get(`${streamGroupRunKeys(record.group, record.run_id).prefix}${name}`);
        assert.ok(body, name);
        for (const line of gunzipSync(body.body)
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''))
          kept.push((JSON.parse(line) as { data: { id: string } }).data.id);
      }
      assert.deepEqual(kept, unmatchedServed, 'and kept, apart from the tweets');
      assert.match(done.stderr, /matched none of the rules of the group's collections/);
      await validateArchive(archive.store, 'live');
    } finally {
      await fake.stop();
      await archive.close();
    }
  });
});
