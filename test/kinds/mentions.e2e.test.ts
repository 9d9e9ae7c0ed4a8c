/*
 * The mentions kind as a researcher uses it, through the CLI against the strict fake: new, users
 * add, validate, a plan priced from X's counts of the accounts' @names, apply, run (each account's
 * mention timeline), a second run that reads only what is new, export and report; the files go
 * through twarc2's own tools.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MENTIONS_CAP } from '../../simulator/x-api/rest-endpoints.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { assertReadAfterHarvest, kindProject, type KindProject } from '../helpers/kind-project.js';

let fake: FakeXApi;
let project: KindProject;
const cli = (...args: string[]) => project.cli(...args);
const mentioned = (...ids: string[]): string[] =>
  ids
    .flatMap((id) => fake.corpus.mentionsOf(id).slice(0, MENTIONS_CAP))
    .map((t) => t.id)
    .sort();

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 4, tweetsPerUser: () => 150, searchTweets: 200 },
    usage: { postsPerDay: (query) => (query.includes('@user_0') ? 10 : 0) },
  }).start();
  project = kindProject(fake);
});
after(async () => {
  await fake.stop();
});

describe('a mentions collection', { timeout: 180_000 }, () => {
  const [first, second] = ['1000000', '1007919'];

  it('is made by new and users add, validates, and is priced from the counts of its @names', async () => {
    assert.equal((await cli('new', 'mentions', 'talk')).status, 0);
    const added = await cli('users', 'add', 'talk', 'user_0', 'user_1', '--activate');
    assert.equal(added.status, 0, added.stderr);
    assert.match(readFileSync(join(project.root, 'collections', 'talk.yaml'), 'utf8'), /"1007919":\n {4}screen_name: user_1/);
    assert.equal((await cli('validate')).status, 0);
    const before = fake.requests.length;
    const planned = await cli('plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    // A first harvest reads at most 800 mentions of each new account; a month is 70 counted in 7 days x 30.44 / 7.
    assert.match(planned.stdout, /\* talk\s+\$8\.00 \(1,600 posts\)\s+\$1\.52 \(304 posts\)/);
    const counted = fake.requests.slice(before).filter((r) => r.endpoint === 'tweets/counts/recent');
    assert.deepEqual(
      counted.map((r) => new URL(r.url, 'http://x').searchParams.get('query')),
      ['(@user_0) OR (@user_1)'],
    );
  });

  it("harvests each account's mentions, then on a second run only the new ones, none twice", async () => {
    assert.equal((await cli('apply', '--yes')).status, 0);
    const run = await cli('run', 'talk');
    assert.equal(run.status, 0, run.stderr);
    const store = project.store;
    const firstIds = (await storedTweets(store, 'talk')).map((t) => t.id).sort();
    assert.ok(firstIds.length > 0);
    assert.deepEqual(firstIds, mentioned(first, second));

    fake.corpus.addTimelineTweets(fake.corpus.users[2]?.id ?? '', 120);
    const fresh = mentioned(first, second).filter((id) => !firstIds.includes(id));
    assert.ok(fresh.length > 0, 'the corpus gained mentions of the accounts');
    const requestsBefore = fake.requests.length;
    assert.equal((await cli('run', 'talk')).status, 0);
    const stored = await storedTweets(store, 'talk');
    const harvests = [...new Set(stored.map((t) => t.harvestId))].sort();
    assert.equal(harvests.length, 2);
    assert.deepEqual(stored.map((t) => t.id).sort(), [...firstIds, ...fresh].sort(), 'every mention once');
    assert.deepEqual(
      stored
        .filter((t) => t.harvestId === harvests[1])
        .map((t) => t.id)
        .sort(),
      fresh,
      'the second harvest holds the new mentions',
    );
    const asked = fake.requests.slice(requestsBefore).filter((r) => r.endpoint === 'users/:id/mentions');
    assert.ok(asked.length >= 2 && asked.every((r) => r.url.includes('since_id=')), 'the second run reads from the newest mention stored');
  });

  it("exports a row of each mention, reports them, and its files are read whole by twarc2's tools", async () => {
    await assertReadAfterHarvest(project, 'talk');
  });
});
