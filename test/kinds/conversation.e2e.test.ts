/*
 * The conversation kind as a researcher uses it, through the CLI against the strict fake: a thread
 * listed by the id of its first post, and threads snowballed from what a search collection stored;
 * priced from X's counts of the listed threads; harvested whole by `conversation_id:` search; a
 * second run reads only the new replies; export, report and twarc2's tools read the files.
 */

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import type { FakeTweet } from '../../simulator/x-api/corpus.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { assertReadAfterHarvest, kindProject, type KindProject } from '../helpers/kind-project.js';

let fake: FakeXApi;
let project: KindProject;
let listed: FakeTweet;
const cli = (...args: string[]) => project.cli(...args);
const store = (): LocalArchiveStore => project.store;
const ids = (tweets: ReadonlyArray<{ id: string }>): string[] => tweets.map((t) => t.id).sort();

const SEARCH = 'id: climate\ntype: search\nquery: climate\nschedule: rate(1 day)\n';
const threads = (rootId: string): string =>
  `id: threads\ntype: conversation\nconversations: ["${rootId}"]\nfrom_collection:\n  id: climate\n  min_replies: 3\nmax_conversations: 500\nschedule: rate(1 day)\n`;

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 4, tweetsPerUser: () => 30, searchTweets: 60 },
    usage: { postsPerDay: (query) => (query.startsWith('(conversation_id:') ? 6 : 0) },
  }).start();
  const first = fake.corpus.timeline(fake.corpus.users[0]?.id ?? '').find((t) => t.json['conversation_id'] === t.id);
  assert.ok(first, 'a timeline post that starts a thread');
  listed = first;
  fake.corpus.addReplies(listed.id, 5);
  project = kindProject(fake, { 'collections/climate.yaml': SEARCH });
});
after(async () => {
  await fake.stop();
});

describe('a conversation collection', { timeout: 180_000 }, () => {
  it('is made by new, validates, and is priced from the counts of its listed threads', async () => {
    assert.equal((await cli('new', 'conversation', 'threads')).status, 0);
    const invalid = await cli('validate');
    assert.equal(invalid.status, 0, 'the template starts suspended, so it needs no threads yet');
    writeFileSync(join(project.root, 'collections', 'threads.yaml'), threads(listed.id).replace('id: climate', 'id: threads'));
    const itself = await cli('validate');
    assert.equal(itself.status, 1);
    assert.match(itself.stdout + itself.stderr, /threads.yaml:5:7: a collection cannot snowball from its own posts/);
    writeFileSync(join(project.root, 'collections', 'threads.yaml'), threads(listed.id));
    assert.equal((await cli('validate')).status, 0);
    const planned = await cli('plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    // 6 a day of the listed thread: the first harvest reads the week (42 posts), a month 42 x 30.44 / 7.
    assert.match(planned.stdout, /\* threads\s+\$0\.21 \(42 posts\)\s+\$\d+\.\d\d \(183 posts\)/);
    assert.match(planned.stdout, /the threads snowballed from climate are not in it/);
  });

  it('harvests the listed thread and those its source collection started, then only the new replies', async () => {
    assert.equal((await cli('apply', '--yes')).status, 0);
    assert.equal((await cli('run', 'climate')).status, 0);
    const started = (await storedTweets(store(), 'climate')).filter(
      (t) => t.json['conversation_id'] === t.id && (t.json['public_metrics'] as { reply_count: number }).reply_count >= 3,
    );
    assert.ok(started.length >= 2, 'the search stored posts that start threads with replies');
    for (const post of started.slice(0, 2)) fake.corpus.addReplies(post.id, 3);
    const conversations = [listed.id, ...started.map((t) => t.id)];

    const run = await cli('run', 'threads');
    assert.equal(run.status, 0, run.stderr);
    const firstIds = ids(await storedTweets(store(), 'threads'));
    assert.deepEqual(firstIds, ids(fake.corpus.inConversations(conversations)));
    assert.ok(firstIds.length >= 1 + 5 + 2 * 3 + started.length - 2, 'the threads whole: first posts and replies');

    const last = fake.corpus.inConversations([listed.id])[0];
    assert.ok(last);
    const fresh = ids(fake.corpus.addReplies(last.id, 2));
    const requestsBefore = fake.requests.length;
    assert.equal((await cli('run', 'threads')).status, 0);
    const stored = await storedTweets(store(), 'threads');
    const harvests = [...new Set(stored.map((t) => t.harvestId))].sort();
    assert.equal(harvests.length, 2);
    assert.deepEqual(ids(stored.filter((t) => t.harvestId === harvests[1])), fresh, 'the second harvest holds the new replies');
    assert.deepEqual(ids(stored), [...firstIds, ...fresh].sort(), 'every post once');
    const searched = fake.requests.slice(requestsBefore).filter((r) => r.endpoint === 'tweets/search/recent');
    assert.equal(searched.length, conversations.length, 'a search per thread');
    assert.ok(
      searched.every((r) => r.url.includes('since_id=')),
      'each thread read from its newest post stored',
    );
  });

  it("exports a row of each post, reports them, and its files are read whole by twarc2's tools", async () => {
    await assertReadAfterHarvest(project, 'threads');
  });
});
