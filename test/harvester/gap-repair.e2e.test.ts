/*
 * A stream group whose members repair their gaps: X's connection is cut while it matches posts
 * for them; once it is back, each member searches its rules over the stretch and stores what the
 * stream missed, each post once, and its harvest.json says what the repair found and cost.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';

const RULES = { one: 'climate', two: 'weather' } as const;

describe('a stream group that repairs its gaps', { timeout: 120_000 }, () => {
  it('fills a forced disconnect with exactly the posts the stream missed, none twice, and records the repair in harvest.json', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 5 },
      stream: { tweets: 400, perSecond: 400, keepAliveMs: 100, recordServed: true, searchable: true },
    }).start();
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/one.yaml': `id: one\ntype: filter\nrepair_gaps: true\nrules:\n  - value: ${RULES.one}\n`,
      'collections/two.yaml': `id: two\ntype: filter\nrepair_gaps: true\nrules:\n  - value: ${RULES.two}\n`,
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const env = { ...fakeApiEnv(root, fake.baseUrl, SECRET_BEARER), TWARC_CLOUD_BACKOFF_SCALE: '0.01', TWARC_CLOUD_GROUP_SYNC_MS: '300' };
    assert.equal((await runCliAsync(['apply', '--yes'], { cwd: root, env })).status, 0);
    const store = new LocalArchiveStore(join(root, 'archive'));
    fake.injectStreamFault(200, { kind: 'reset', missed: 10 });
    const group = startHarvest(['default', '--archive', store.location], env, 'harvest-group');
    try {
      await group.waitForLog(/"connections":2/);
      await until(
        () => `the fake to deliver 400 tweets and both repairs to end (${fake.stream.delivered})`,
        () =>
          Promise.resolve(
            fake.stream.delivered >= 400 &&
              group
                .stderr()
                .split('\n')
                .filter((l) => l.includes('"stream gap repaired by search"')).length >= 2,
          ),
      );
    } finally {
      group.child.kill('SIGTERM');
    }
    const ended = await group.done;
    await fake.stop();
    assert.equal(ended.code, 0, ended.stderr);

    for (const [id, rule] of Object.entries(RULES)) {
      const matched = fake.stream.servedMatches.filter((m) => m.rules.some((r) => r.value === rule)).map((m) => m.id);
      const stored = (await storedTweets(store, id)).map((t) => t.id);
      assert.equal(new Set(stored).size, stored.length, `${id} stored no post twice`);
      assert.deepEqual(new Set(stored), new Set(matched), `${id} holds every post X matched for it, the missed ones repaired`);
      const last = await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest');
      const harvest = (await readObject(store, `${last?.value.prefix ?? ''}harvest.json`, 'harvest'))?.value;
      assert.equal(harvest?.gaps?.length, 1);
      const repair = harvest.gaps[0]?.repair;
      assert.equal(repair?.outcome, 'repaired', JSON.stringify(harvest.gaps));
      assert.ok((repair.posts ?? 0) >= 1, `${id}'s repair found what the stream missed`);
      // Its cost: every post its searches read, at X's price of a post read.
      assert.ok((repair.read ?? 0) >= (repair.posts ?? 0));
      assert.equal(repair.usd, Math.round((repair.read ?? 0) * 0.005 * 10_000) / 10_000, JSON.stringify(repair));
      const shown = await runCliAsync(['last', id], { cwd: root, env });
      assert.match(
        shown.stdout,
        new RegExp(
          `^ {2}gap \\S+ -> \\S+: .+; repaired: ${repair.posts ?? 0} posts found, ${repair.read ?? 0} read, \\$${(repair.usd ?? 0).toFixed(2)}$`,
          'm',
        ),
        '`last` says the gap was filled, and what it cost',
      );
      const report = await runCliAsync(['report', id, '--out', `${id}.html`], { cwd: root, env });
      assert.equal(report.status, 0, report.stderr);
      const gapRows = /<table id="gaps">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(readFileSync(join(root, `${id}.html`), 'utf8'))?.[1] ?? '';
      assert.equal(gapRows.split('<tr>').length - 1, 1, "the report's gap table has the one gap");
      assert.match(gapRows, new RegExp(`<td class="repair-repaired">repaired</td><td class="n">${repair.posts ?? 0}</td>`));
    }
    const searched = fake.requests.filter((r) => r.endpoint === 'tweets/search/recent').map((r) => new URL(r.url, 'http://x').searchParams);
    assert.deepEqual(searched.map((q) => q.get('query')).sort(), ['(climate)', '(weather)']);
    assert.ok(
      searched.every((q) => q.get('since_id') !== null && q.get('until_id') !== null),
      'each search bounded by the stretch, by id',
    );
  });
});
