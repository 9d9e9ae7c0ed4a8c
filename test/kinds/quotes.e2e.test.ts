/*
 * The quotes kind as a researcher uses it, through the CLI against the strict fake: the quotes of
 * a listed post and of the posts a timeline collection stored that X counted quotes of; a plan
 * that says it cannot price them in advance; a second run that reads only the new quotes, though
 * X's quote lookup takes no since_id; export, report and twarc2's tools read the files.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { FakeXApi } from '../fakes/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { readWithTwarcTools } from '../helpers/python-tools.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

let fake: FakeXApi;
let root: string;
let env: NodeJS.ProcessEnv;
let listed: string;
const cli = (...args: string[]) => runCliAsync(args, { cwd: root, env });
const store = (): LocalArchiveStore => new LocalArchiveStore(join(root, 'archive'));
const sorted = (ids: Iterable<string>): string[] => [...ids].sort();
const quotesOf = (ids: readonly string[]): string[] => sorted(new Set(ids.flatMap((id) => fake.corpus.quotesOf(id).map((t) => t.id))));

const PEOPLE = "id: people\ntype: user_timeline\nschedule: rate(1 day)\nusers:\n  '1007919':\n    screen_name: user_1\n";
const QUOTED = (id: string): string =>
  `id: quoted\ntype: quotes\nposts: ["${id}"]\nfrom_collection:\n  id: people\n  min_quotes: 1\nmax_posts: 12\nschedule: rate(1 day)\n`;

before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 3, tweetsPerUser: () => 80 } }).start();
  listed = fake.corpus.timeline(fake.corpus.users[0]?.id ?? '').at(-1)?.id ?? '';
  assert.ok(fake.corpus.quotesOf(listed).length > 0, 'the first post of a timeline is quoted');
  root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', 'collections/people.yaml': PEOPLE });
  execFileSync('git', ['-C', root, 'init', '-q']);
  env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
});
after(async () => {
  await fake.stop();
});

describe('a quotes collection', { timeout: 180_000 }, () => {
  it('is made by new, validates, and its plan says why it has no price in advance', async () => {
    assert.equal((await cli('new', 'quotes', 'quoted')).status, 0);
    writeFileSync(join(root, 'collections', 'quoted.yaml'), QUOTED(listed).replace('id: people', 'id: quoted'));
    const itself = await cli('validate');
    assert.equal(itself.status, 1);
    assert.match(itself.stdout + itself.stderr, /quoted.yaml:5:7: a collection cannot snowball from its own posts/);
    writeFileSync(join(root, 'collections', 'quoted.yaml'), QUOTED(listed));
    assert.equal((await cli('validate')).status, 0);
    const planned = await cli('plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.match(
      planned.stdout,
      /\* quoted\s+not estimated\s+not estimated\s+\(new or changed; X's counts document no operator for a post's quotes/,
    );
  });

  it('harvests the quotes of the listed post and of the posts people stored, then only the new quotes', async () => {
    assert.equal((await cli('apply', '--yes')).status, 0);
    assert.equal((await cli('run', 'people')).status, 0);
    const quotedByPeople = (await storedTweets(store(), 'people'))
      .filter((t) => (t.json['public_metrics'] as { quote_count: number }).quote_count >= 1)
      .map((t) => t.id);
    const posts = [listed, ...quotedByPeople.sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1))].slice(0, 12);
    assert.equal((await cli('run', 'quoted')).status, 0);
    const first = sorted((await storedTweets(store(), 'quoted')).map((t) => t.id));
    assert.deepEqual(first, quotesOf(posts));

    fake.corpus.addTimelineTweets(fake.corpus.users[0]?.id ?? '', 60);
    const fresh = quotesOf(posts).filter((id) => !first.includes(id));
    assert.ok(fresh.length > 0, 'the listed post was quoted again');
    const since = fake.requests.length;
    assert.equal((await cli('run', 'quoted')).status, 0);
    const stored = await storedTweets(store(), 'quoted');
    const harvests = sorted(new Set(stored.map((t) => t.harvestId)));
    assert.equal(harvests.length, 2);
    assert.deepEqual(sorted(stored.filter((t) => t.harvestId === harvests[1]).map((t) => t.id)), fresh);
    assert.deepEqual(sorted(stored.map((t) => t.id)), sorted([...first, ...fresh]), 'every quote once');
    const pages = fake.requests.slice(since).filter((r) => r.endpoint === 'tweets/:id/quote_tweets');
    assert.equal(pages.length, posts.length, 'one page each: the newest quotes, down to those stored');
  });

  it("exports a row of each quote, reports them, and its files are read whole by twarc2's tools", async () => {
    const stored = await storedTweets(store(), 'quoted');
    assert.equal((await cli('export', 'quoted', '--format', 'jsonl', '--out', 'quoted.jsonl')).status, 0);
    const rows = readFileSync(join(root, 'quoted.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(sorted(rows.map((row) => (JSON.parse(row) as { id: string }).id)), sorted(stored.map((t) => t.id)));
    assert.equal((await cli('report', 'quoted', '--out', 'quoted.html')).status, 0);
    const files = new Map<string, number>();
    for (const tweet of stored) files.set(tweet.file, (files.get(tweet.file) ?? 0) + 1);
    for (const [key, count] of files) {
      const text = gunzipSync((await store().get(key))?.body ?? Buffer.alloc(0)).toString('utf8');
      const { flattened, csvRows } = await readWithTwarcTools(text, key);
      assert.equal(flattened.length, count);
      assert.equal(csvRows, count);
    }
  });
});
