/*
 * The list kind as a researcher uses it, through the CLI against the strict fake: the posts of an
 * X list (its members'), with the members recorded in each harvest's users.jsonl and billed as
 * user reads; a plan that says why it has no price in advance; a second run that reads only the
 * new posts, though X's list timeline takes no since_id; export, report and twarc2's tools.
 */

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { assertReadAfterHarvest, kindProject, sortedIds, type KindProject } from '../helpers/kind-project.js';

let fake: FakeXApi;
let project: KindProject;
let listId: string;
let members: string[];
const cli = (...args: string[]) => project.cli(...args);
const store = (): LocalArchiveStore => project.store;
const sorted = sortedIds;

before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 4, tweetsPerUser: () => 70 } }).start();
  members = [fake.corpus.users[0]?.id ?? '', fake.corpus.users[2]?.id ?? ''];
  listId = fake.corpus.addList(members);
  project = kindProject(fake);
});
after(async () => {
  await fake.stop();
});

describe('a list collection', { timeout: 180_000 }, () => {
  it('is made by new, validates, and its plan says why it has no price in advance', async () => {
    assert.equal((await cli('new', 'list', 'panel')).status, 0);
    const path = join(project.root, 'collections', 'panel.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('state: suspended', 'state: active'));
    const empty = await cli('validate');
    assert.equal(empty.status, 1);
    assert.match(empty.stdout + empty.stderr, /an active list collection needs at least one list/);
    writeFileSync(path, readFileSync(path, 'utf8').replace('lists: []', `lists: ["${listId}"]`));
    assert.equal((await cli('validate')).status, 0);
    const planned = await cli('plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.match(
      planned.stdout,
      /\* panel\s+not estimated\s+not estimated\s+\(new or changed; what 1 list\(s\) hold is known only by reading them; a month is priced once its harvests have run\)/,
    );
  });

  it("harvests the list's posts and records its members, then reads only the new posts", async () => {
    assert.equal((await cli('apply', '--yes')).status, 0);
    assert.equal((await cli('run', 'panel')).status, 0);
    const first = sorted((await storedTweets(store(), 'panel')).map((t) => t.id));
    assert.deepEqual(first, sorted(fake.corpus.listTweets(listId).map((t) => t.id)));
    const harvest = await readObject(store(), collectionKeys('panel').lastHarvest, 'last-harvest');
    const usersFile = (await store().get(`${harvest?.value.prefix ?? ''}users.jsonl`))?.body.toString('utf8') ?? '';
    const recorded = usersFile
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => (JSON.parse(line) as { data: Array<{ id: string }> }).data.map((u) => u.id));
    assert.deepEqual(sorted(recorded), sorted(members), "the list's members as it stood");
    const record = await readObject(store(), `${harvest?.value.prefix ?? ''}harvest.json`, 'harvest');
    assert.equal(record?.value.billable?.users, members.length, 'the members are billed as user reads');

    const fresh = sorted(fake.corpus.addTimelineTweets(members[1] ?? '', 15).map((t) => t.id));
    fake.corpus.addTimelineTweets(fake.corpus.users[1]?.id ?? '', 15);
    assert.equal((await cli('run', 'panel')).status, 0);
    const stored = await storedTweets(store(), 'panel');
    const harvests = sorted(new Set(stored.map((t) => t.harvestId)));
    assert.equal(harvests.length, 2);
    assert.deepEqual(sorted(stored.filter((t) => t.harvestId === harvests[1]).map((t) => t.id)), fresh, "only the members' new posts");
    assert.deepEqual(sorted(stored.map((t) => t.id)), sorted([...first, ...fresh]), 'every post once');
  });

  it("exports a row of each post, reports them, and its files are read whole by twarc2's tools", async () => {
    await assertReadAfterHarvest(project, 'panel');
  });
});

describe("a list collection within X's rate window for list timelines", { timeout: 120_000 }, () => {
  it("meets X's published window on the stand-in: 900 requests per 15 minutes, for list posts and members", async () => {
    for (const part of ['tweets', 'members']) {
      const answer = await fetch(new URL(`lists/${listId}/${part}`, fake.baseUrl), {
        headers: { authorization: `Bearer ${SECRET_BEARER}` },
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('x-rate-limit-limit'), '900', part);
      const reset = Number(answer.headers.get('x-rate-limit-reset')) * 1000;
      assert.ok(reset > Date.now() && reset <= Date.now() + 900_000 + 1000, `${part}: the window ends within 15 minutes`);
    }
  });

  it('waits for the window instead of meeting a 429, and stores every post', async () => {
    // X allows 900 list-timeline requests per 15 minutes (app auth); scaled down here to 1 per 3 seconds.
    const limited = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 2, tweetsPerUser: () => 250 },
      rateLimits: { 'lists/:id/tweets': { limit: 1, windowMs: 3000 } },
    }).start();
    try {
      const list = limited.corpus.addList([limited.corpus.users[0]?.id ?? '', limited.corpus.users[1]?.id ?? '']);
      const own = kindProject(limited);
      assert.equal((await own.cli('new', 'list', 'paged')).status, 0);
      const path = join(own.root, 'collections', 'paged.yaml');
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace('state: suspended', 'state: active').replace('lists: []', `lists: ["${list}"]`),
      );
      assert.equal((await own.cli('apply', '--yes')).status, 0);
      const run = await own.cli('run', 'paged');
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(
        sorted((await storedTweets(own.store, 'paged')).map((t) => t.id)),
        sorted(limited.corpus.listTweets(list).map((t) => t.id)),
      );
      const pages = limited.requests.filter((r) => r.endpoint === 'lists/:id/tweets' && r.status === 200).length;
      assert.ok(pages >= 3, `${pages} pages: the window was met`);
      assert.equal(limited.rateLimits.refused.get('lists/:id/tweets') ?? 0, 0, 'no 429: the harvester read the window from the headers');
      const last = await readObject(own.store, collectionKeys('paged').lastHarvest, 'last-harvest');
      const record = await readObject(own.store, `${last?.value.prefix ?? ''}harvest.json`, 'harvest');
      assert.ok((record?.value.rate_limit_waits.count ?? 0) >= 2, JSON.stringify(record?.value.rate_limit_waits));
    } finally {
      await limited.stop();
    }
  });
});
