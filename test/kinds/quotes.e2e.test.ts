/*
 * The quotes kind as a researcher uses it, through the CLI against the strict fake: the quotes of
 * a listed post and of the posts a timeline collection stored that X counted quotes of; a plan
 * that says it cannot price them in advance; a second run that reads only the new quotes, though
 * X's quote lookup takes no since_id; export, report and twarc2's tools read the files.
 */

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { assertReadAfterHarvest, kindProject, sortedIds, type KindProject } from '../helpers/kind-project.js';

let fake: FakeXApi;
let project: KindProject;
let listed: string;
const cli = (...args: string[]) => project.cli(...args);
const store = (): LocalArchiveStore => project.store;
const sorted = sortedIds;
const quotesOf = (ids: readonly string[]): string[] => sorted(new Set(ids.flatMap((id) => fake.corpus.quotesOf(id).map((t) => t.id))));

const PEOPLE = "id: people\ntype: user_timeline\nschedule: rate(1 day)\nusers:\n  '1007919':\n    screen_name: user_1\n";
const QUOTED = (id: string): string =>
  `id: quoted\ntype: quotes\nposts: ["${id}"]\nfrom_collection:\n  id: people\n  min_quotes: 1\nmax_posts: 12\nschedule: rate(1 day)\n`;

before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 3, tweetsPerUser: () => 80 } }).start();
  listed = fake.corpus.timeline(fake.corpus.users[0]?.id ?? '').at(-1)?.id ?? '';
  assert.ok(fake.corpus.quotesOf(listed).length > 0, 'the first post of a timeline is quoted');
  project = kindProject(fake, { 'collections/people.yaml': PEOPLE });
});
after(async () => {
  await fake.stop();
});

describe('a quotes collection', { timeout: 180_000 }, () => {
  it('is made by new, validates, and its plan says why it has no price in advance', async () => {
    assert.equal((await cli('new', 'quotes', 'quoted')).status, 0);
    writeFileSync(join(project.root, 'collections', 'quoted.yaml'), QUOTED(listed).replace('id: people', 'id: quoted'));
    const itself = await cli('validate');
    assert.equal(itself.status, 1);
    assert.match(itself.stdout + itself.stderr, /quoted.yaml:5:7: a collection cannot snowball from its own posts/);
    writeFileSync(join(project.root, 'collections', 'quoted.yaml'), QUOTED(listed));
    assert.equal((await cli('validate')).status, 0);
    const planned = await cli('plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.match(
      planned.stdout,
      /\* quoted\s+not estimated\s+not estimated\s+\(new or changed; a first harvest reads every quote so far, which X's counts cannot tell \(no documented operator\); a month is priced once its harvests have run\)/,
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
    // Once its harvests have run, a month is priced by what they read lately.
    const path = join(project.root, 'collections', 'quoted.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('max_posts: 12', 'max_posts: 13'));
    const replanned = await cli('plan');
    assert.match(replanned.stdout, /\* quoted\s+not estimated\s+\$\d+\.\d\d \([\d,]+ posts\)/, replanned.stdout);
    assert.match(replanned.stdout, /what its 2 harvest\(s\) read in [\d.]+ days of \d{4}-\d{2}/);
  });

  it("exports a row of each quote, reports them, and its files are read whole by twarc2's tools", async () => {
    await assertReadAfterHarvest(project, 'quoted');
  });
});
