/*
 * The mentions kind as a researcher uses it, through the CLI against the strict fake: new, users
 * add, validate, a plan priced from X's counts of the accounts' @names, apply, run (each account's
 * mention timeline), a second run that reads only what is new, export and report; the files go
 * through twarc2's own tools.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { MENTIONS_CAP } from '../fakes/x-api/rest-endpoints.js';
import { FakeXApi } from '../fakes/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { readWithTwarcTools } from '../helpers/python-tools.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

let fake: FakeXApi;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCliAsync(args, { cwd: root, env });
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
  root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
  execFileSync('git', ['-C', root, 'init', '-q']);
  env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
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
    assert.match(readFileSync(join(root, 'collections', 'talk.yaml'), 'utf8'), /"1007919":\n {4}screen_name: user_1/);
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
    const store = new LocalArchiveStore(join(root, 'archive'));
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
    const total = (await storedTweets(new LocalArchiveStore(join(root, 'archive')), 'talk')).length;
    assert.equal((await cli('export', 'talk', '--format', 'jsonl', '--out', 'talk.jsonl')).status, 0);
    assert.equal(readFileSync(join(root, 'talk.jsonl'), 'utf8').trim().split('\n').length, total);
    const report = await cli('report', 'talk', '--out', 'talk.html');
    assert.equal(report.status, 0, report.stderr);
    assert.match(readFileSync(join(root, 'talk.html'), 'utf8'), new RegExp(total.toLocaleString('en')));
    for (const tweets of await tweetFileTexts()) {
      const { flattened, csvRows } = await readWithTwarcTools(tweets.text, tweets.key);
      assert.equal(flattened.length, tweets.count);
      assert.equal(csvRows, tweets.count);
    }
  });
});

async function tweetFileTexts(): Promise<Array<{ key: string; text: string; count: number }>> {
  const store = new LocalArchiveStore(join(root, 'archive'));
  const byFile = new Map<string, number>();
  for (const tweet of await storedTweets(store, 'talk')) byFile.set(tweet.file, (byFile.get(tweet.file) ?? 0) + 1);
  return Promise.all(
    [...byFile].map(async ([key, count]) => ({
      key,
      count,
      text: gunzipSync((await store.get(key))?.body ?? Buffer.alloc(0)).toString('utf8'),
    })),
  );
}
