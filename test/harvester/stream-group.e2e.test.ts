import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectionKeys, STREAM_GROUPS_PREFIX } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { listAll } from '../../platform/archive/store.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';

/** A project with two filter collections on the default profile, applied to its local archive. */
async function twoFilterCollections(baseUrl: string): Promise<{ root: string; env: NodeJS.ProcessEnv; store: LocalArchiveStore }> {
  const root = tempProject({
    'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
    'collections/one.yaml': 'id: one\ntype: filter\nrules:\n  - value: climate\n',
    'collections/two.yaml': 'id: two\ntype: filter\nrules:\n  - value: weather\n',
  });
  execFileSync('git', ['-C', root, 'init', '-q']);
  const env = { ...fakeApiEnv(root, baseUrl, SECRET_BEARER), TWARC_CLOUD_BACKOFF_SCALE: '0.01', TWARC_CLOUD_GROUP_SYNC_MS: '300' };
  assert.equal((await runCliAsync(['apply', '--yes'], { cwd: root, env })).status, 0);
  return { root, env, store: new LocalArchiveStore(join(root, 'archive')) };
}

describe('harvest-group, the stream group of one credentials profile', { timeout: 120_000 }, () => {
  it('records a forced disconnect as a gap in the group and in each member harvest, shows it in status and last, keeps a message no member matched, and records what X sent malformed in every member', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 5 },
      stream: { tweets: 400, perSecond: 400, keepAliveMs: 100, recordServed: true, wire: { foreignRuleEvery: 50 } },
    }).start();
    const { root, env, store } = await twoFilterCollections(fake.baseUrl);
    fake.injectStreamFault(100, { kind: 'malformed-line' });
    fake.injectStreamFault(200, { kind: 'reset', missed: 10 });
    const group = startHarvest(['default', '--archive', join(root, 'archive')], env, 'harvest-group');
    try {
      await group.waitForLog(/"stream disconnected; reconnecting"/);
      await group.waitForLog(/"connections":2/);
      // Asynchronously: the fake X API answers from this process.
      const status = await runCliAsync(['status'], { cwd: root, env });
      assert.match(status.stdout, /one {2}harvest \d{8}T\d{6}Z .* stream group default, 1 gap so far/, status.stdout + status.stderr);
      await until(
        () => `the fake to deliver 400 tweets (${fake.stream.delivered})`,
        () => Promise.resolve(fake.stream.delivered >= 400),
      );
    } finally {
      group.child.kill('SIGTERM');
    }
    const ended = await group.done;
    await fake.stop();
    assert.equal(ended.code, 0, ended.stderr);
    assert.equal(fake.stream.connections, 2, 'two collections, one connection, one reconnect');

    const runs: string[] = [];
    for await (const object of listAll(store, STREAM_GROUPS_PREFIX)) if (object.key.endsWith('/stream-group.json')) runs.push(object.key);
    assert.equal(runs.length, 1);
    const record = (await readObject(store, runs[0] ?? '', 'stream-group'))?.value;
    assert.equal(record?.outcome, 'stopped');
    assert.equal(record.connections, 2);
    assert.equal(record.gaps?.length, 1);
    assert.match(record.gaps[0]?.cause ?? '', /^stream network error/);
    assert.deepEqual(record.members.map((m) => m.collection).sort(), ['one', 'two']);
    assert.equal(record.unmatched.messages, fake.stream.servedForeign.length, 'messages of a rule no member has are kept and counted');
    assert.ok(record.unmatched.messages > 0);

    for (const id of ['one', 'two']) {
      const last = await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest');
      const harvest = await readObject(store, `${last?.value.prefix ?? ''}harvest.json`, 'harvest');
      assert.deepEqual(harvest?.value.gaps, record.gaps, `${id}'s harvest.json records the stretch its group lost`);
      assert.equal(harvest.value.reconnects, 1);
      assert.deepEqual(
        harvest.value.errors.filter((e) => e.endpoint === 'tweets/search/stream').map((e) => e.message),
        ['malformed stream message skipped (35 bytes)'], // the fake's cut line, '{"data":{"id":"1","text":"truncated'
        `${id}'s harvest.json records the line X cut short on the connection it shared`,
      );
      const shown = await runCliAsync(['last', id], { cwd: root, env });
      assert.match(shown.stdout, /gap \S+ -> \S+: stream network error/, shown.stdout);
    }
    const stored = new Set([...(await storedTweets(store, 'one')), ...(await storedTweets(store, 'two'))].map((t) => t.id));
    const missing = fake.stream.servedMatches.filter((m) => !stored.has(m.id)).map((m) => fake.stream.served.indexOf(m.id));
    // Lost, without backfill: the 10 tweets X matched while the group was away (positions 200-209), and
    // what X had sent as the connection broke that was not read yet; everything read is stored.
    assert.deepEqual(
      missing.filter((position) => position < 180 || position >= 210),
      [],
      `served tweets missing at positions ${missing.join(', ')}`,
    );
    for (let position = 200; position < 210; position += 1)
      assert.ok(missing.includes(position), `the tweet matched at ${position} while away is lost`);

    // A member's report names what its group matched to no rule, and what its own rule matched.
    const report = await runCliAsync(['report', 'one', '--out', 'one.html'], { cwd: root, env });
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, new RegExp(`, ${record.unmatched.messages} unmatched stream messages in its stream group -> `));
    const html = readFileSync(join(root, 'one.html'), 'utf8');
    assert.match(
      html,
      new RegExp(`id="unmatched" data-messages="${record.unmatched.messages}">${record.unmatched.messages} stream messages`),
    );
    const ownPosts = new Set((await storedTweets(store, 'one')).map((t) => t.id)).size;
    assert.match(html, new RegExp(`<tr><td>untagged rules</td><td><code>climate</code></td><td class="n">${ownPosts}</td></tr>`));
  });

  it('with backfill (Enterprise), has X replay the minutes it was away: nothing lost, nothing stored twice, and the stretch recorded as backfilled', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      accessLevel: 'enterprise',
      corpus: { users: 3, tweetsPerUser: () => 5 },
      stream: { tweets: 300, perSecond: 400, keepAliveMs: 100, recordServed: true, backfill: true },
    }).start();
    const { env, store } = await twoFilterCollections(fake.baseUrl);
    fake.injectStreamFault(150, { kind: 'reset', missed: 25 });
    const group = startHarvest(['default', '--archive', store.location, '--backfill-minutes', '5'], env, 'harvest-group');
    const expected = (id: string): Set<string> =>
      new Set(fake.stream.servedMatches.filter((m) => m.rules.some((r) => r.tag === id)).map((m) => m.id));
    let counted = '';
    try {
      await until(
        () => `both members to hold every tweet X matched for them (${counted})`,
        async () => {
          if (fake.stream.delivered < 300) return false;
          const counts = await Promise.all(
            ['one', 'two'].map(async (id) => {
              const control = (await readObject(store, collectionKeys(id).lock, 'lock'))?.value.control;
              if (control?.url === undefined) return -1;
              const live = (await (await fetch(control.url, { headers: { authorization: `Bearer ${control.token}` } })).json()) as {
                tweets: number;
              };
              return live.tweets;
            }),
          );
          counted = `${counts.join(' and ')} of ${expected('one').size} and ${expected('two').size}`;
          return counts[0] === expected('one').size && counts[1] === expected('two').size;
        },
      );
    } finally {
      group.child.kill('SIGTERM');
    }
    const ended = await group.done;
    await fake.stop();
    assert.equal(ended.code, 0, ended.stderr);
    assert.equal(fake.stream.connections, 2);
    assert.ok(fake.stream.replayed >= 25, `X replayed ${fake.stream.replayed} messages`);
    for (const id of ['one', 'two']) {
      const tweets = await storedTweets(store, id);
      assert.equal(new Set(tweets.map((t) => t.id)).size, tweets.length, `${id} stored no tweet twice`);
      assert.deepEqual(
        new Set(tweets.map((t) => t.id)),
        expected(id),
        `${id} has every tweet X matched for it, those matched while away too`,
      );
      const last = await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest');
      const harvest = await readObject(store, `${last?.value.prefix ?? ''}harvest.json`, 'harvest');
      assert.equal(harvest?.value.gaps, undefined, `${id} lost nothing, so its harvest records no gap`);
    }
    const runs: string[] = [];
    for await (const object of listAll(store, STREAM_GROUPS_PREFIX)) if (object.key.endsWith('/stream-group.json')) runs.push(object.key);
    const record = (await readObject(store, runs[0] ?? '', 'stream-group'))?.value;
    assert.equal(record?.gaps?.length, 1);
    assert.equal(record.gaps[0]?.backfilled, true);
    assert.equal(record.backfill_minutes, 5);
    // The replay held all it had (left out) and the 25 it had not (stored), and what was in flight at the break.
    assert.ok(
      (record.replayed_duplicates ?? 0) > 0 && (record.replayed_duplicates ?? 0) <= fake.stream.replayed - 25,
      `${record.replayed_duplicates} replayed duplicates of ${fake.stream.replayed}`,
    );
  });

  it('stops a member at its monthly budget with a budget gap, takes its rules off the connection, and streams on for the others', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 5 },
      stream: { tweets: 3000, perSecond: 1000, keepAliveMs: 100, recordServed: true },
    }).start();
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      // $1.50 a month: once less than a page's $1.00 is left, after about 100 posts at $0.005.
      'collections/one.yaml': 'id: one\ntype: filter\nbudget:\n  monthly_usd: 1.5\nrules:\n  - value: climate\n',
      'collections/two.yaml': 'id: two\ntype: filter\nrules:\n  - value: weather\n',
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const env = { ...fakeApiEnv(root, fake.baseUrl, SECRET_BEARER), TWARC_CLOUD_BACKOFF_SCALE: '0.01', TWARC_CLOUD_GROUP_SYNC_MS: '300' };
    assert.equal((await runCliAsync(['apply', '--yes'], { cwd: root, env })).status, 0);
    const store = new LocalArchiveStore(join(root, 'archive'));
    const group = startHarvest(['default', '--archive', store.location], env, 'harvest-group');
    try {
      await until(
        () =>
          `one's rules to leave the connection once its budget is spent (${fake.stream
            .rulesOf(SECRET_BEARER)
            .map((r) => r.tag)
            .join(', ')})`,
        async () =>
          (await readObject(store, collectionKeys('one').lastHarvest, 'last-harvest')) !== undefined &&
          fake.stream.rulesOf(SECRET_BEARER).every((r) => r.tag !== 'one'),
      );
      const twoBefore = fake.stream.servedMatches.filter((m) => m.rules.some((r) => r.tag === 'two')).length;
      await until(
        () => 'two to go on receiving posts',
        () => Promise.resolve(fake.stream.servedMatches.filter((m) => m.rules.some((r) => r.tag === 'two')).length > twoBefore + 50),
      );
    } finally {
      group.child.kill('SIGTERM');
    }
    const ended = await group.done;
    await fake.stop();
    assert.equal(ended.code, 0, ended.stderr);
    const last = await readObject(store, collectionKeys('one').lastHarvest, 'last-harvest');
    const record = (await readObject(store, `${last?.value.prefix ?? ''}harvest.json`, 'harvest'))?.value;
    assert.equal(record?.outcome, 'stopped');
    assert.match(record.stop_reason ?? '', /^budget: /);
    assert.deepEqual(
      record.gaps?.map((g) => g.cause),
      ['budget'],
    );
    const stored = await storedTweets(store, 'one');
    assert.equal(record.billable?.posts, stored.length, 'it bought what it stored');
    assert.ok(stored.length >= 100 && stored.length <= 101, `stopped at the budget (${stored.length} posts)`);
    assert.ok((record.cost?.usd ?? Infinity) <= 1.5);
    assert.ok((await storedTweets(store, 'two')).length > stored.length, 'the other member streamed on');
  });
});
