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
