/*
 * The lookup kind as a researcher uses it, through the CLI against the strict fake: a shared
 * dataset's post ids in a file of the repository, checked by validate (a line that is not an id
 * named by its number), priced, stored in the archive by apply, hydrated 100 a request with the ids
 * X would not serve recorded with its reason; a second harvest reads nothing again, and ids added
 * to the file (now twarc-csv's CSV) are the only ones read next.
 */

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectionKeys, harvestIdOfKey } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { listAll } from '../../platform/archive/store.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { assertReadAfterHarvest, kindProject, sortedIds, type KindProject } from '../helpers/kind-project.js';

let fake: FakeXApi;
let project: KindProject;
let listed: string[];
let served: string[];
const cli = (...args: string[]) => project.cli(...args);
const store = (): LocalArchiveStore => project.store;
const sorted = sortedIds;
const lookups = (since: number) => fake.requests.slice(since).filter((r) => r.endpoint === 'tweets');

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 4, tweetsPerUser: () => 40, conditions: { 3: 'protected' } },
  }).start();
  const timeline = (index: number): string[] => fake.corpus.timeline(fake.corpus.users[index]?.id ?? '').map((t) => t.id);
  const deleted = timeline(0).slice(0, 5);
  for (const id of deleted) fake.corpus.deleted.add(id);
  listed = [...timeline(0), ...timeline(1), ...timeline(2), ...timeline(3).slice(0, 10), '1000', '1001'];
  served = [...timeline(0).slice(5), ...timeline(1), ...timeline(2)];
  project = kindProject(fake);
  mkdirSync(join(project.root, 'datasets'));
});
after(async () => {
  await fake.stop();
});

describe('a lookup collection', { timeout: 180_000 }, () => {
  it('names a file of ids that validate checks, line by line, and is priced at a post read an id', async () => {
    assert.equal((await cli('new', 'lookup', 'dataset')).status, 0);
    const path = join(project.root, 'collections', 'dataset.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('state: suspended', 'state: active'));
    writeFileSync(join(project.root, 'datasets', 'ids.txt'), `# shared dataset\n${listed[0] ?? ''}\nsecret-looking text\n`);
    const refused = await cli('validate');
    assert.equal(refused.status, 1);
    assert.match(refused.stdout + refused.stderr, /datasets\/ids\.txt: line 3 hold no post id/);
    assert.doesNotMatch(refused.stdout + refused.stderr, /secret-looking/, 'a bad line is named by its number, never shown');
    writeFileSync(join(project.root, 'datasets', 'ids.txt'), `${listed.join('\n')}\n`);
    assert.equal((await cli('validate')).status, 0);
    const planned = await cli('plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.match(
      planned.stdout,
      new RegExp(`\\* dataset\\s+\\$${(listed.length * 0.005).toFixed(2)} \\(${listed.length} posts\\)\\s+\\$0\\.00 \\(0 posts\\)`),
    );
  });

  it('hydrates every id X serves, 100 a request, and records the rest with its reason', async () => {
    assert.equal((await cli('apply', '--yes')).status, 0);
    const inputs = [];
    for await (const object of listAll(store(), `${collectionKeys('dataset').prefix}inputs/`)) inputs.push(object.key);
    assert.equal(inputs.length, 1, 'apply stored the ids beside the config');
    const since = fake.requests.length;
    const run = await cli('run', 'dataset');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(lookups(since).length, Math.ceil(listed.length / 100));
    assert.deepEqual(sorted((await storedTweets(store(), 'dataset')).map((t) => t.id)), sorted(served));
    const unavailable = await unavailableLines();
    assert.deepEqual(
      unavailable.map((u) => `${u.id} ${u.reason}`).sort(),
      listed
        .filter((id) => !served.includes(id))
        .map((id) => `${id} ${fake.corpus.tweet(id) && !fake.corpus.deleted.has(id) ? 'not_authorized' : 'not_found'}`)
        .sort(),
    );
  });

  it('reads nothing again on a second run, and only the ids added to the file (now a twarc-csv CSV) after that', async () => {
    let since = fake.requests.length;
    assert.equal((await cli('run', 'dataset')).status, 0);
    assert.equal(lookups(since).length, 0, 'every id was hydrated before');

    const added = fake.corpus.addTimelineTweets(fake.corpus.users[1]?.id ?? '', 20).map((t) => t.id);
    const rows = [...listed, ...added].map((id, n) => `${id},${id},"a post, with ""quotes""\nand a line break ${n}"`);
    writeFileSync(join(project.root, 'datasets', 'ids.txt'), `id,conversation_id,text\n${rows.join('\n')}\n`);
    assert.equal((await cli('validate')).status, 0);
    const planned = await cli('plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    // Priced at the 20 ids beyond those hydrated before, not the whole list again.
    assert.match(planned.stdout, new RegExp(`\\* dataset\\s+\\$0\\.10 \\(20 posts\\)`));
    assert.match(planned.stdout, new RegExp(`beyond the ${listed.length} hydrated before`));
    assert.equal((await cli('apply', '--yes')).status, 0);
    since = fake.requests.length;
    assert.equal((await cli('run', 'dataset')).status, 0);
    const asked = lookups(since);
    assert.equal(asked.length, 1);
    assert.deepEqual(sorted(new URL(asked[0]?.url ?? '', 'http://x').searchParams.get('ids')?.split(',') ?? []), sorted(added));
    const stored = await storedTweets(store(), 'dataset');
    assert.deepEqual(sorted(stored.map((t) => t.id)), sorted([...served, ...added]), 'every post once');
  });

  it("exports a row of each post, reports them, and its files are read whole by twarc2's tools", async () => {
    await assertReadAfterHarvest(project, 'dataset');
  });
});

async function unavailableLines(): Promise<Array<{ id: string; reason: string; title?: string }>> {
  const lines = [];
  for await (const object of listAll(store(), collectionKeys('dataset').harvestsPrefix)) {
    if (!object.key.endsWith('/unavailable.jsonl') || harvestIdOfKey(object.key) === undefined) continue;
    const text = (await store().get(object.key))?.body.toString('utf8') ?? '';
    lines.push(
      ...text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { id: string; reason: string }),
    );
  }
  return lines;
}
