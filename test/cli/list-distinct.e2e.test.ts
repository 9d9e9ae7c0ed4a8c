/*
 * `list` counts each post once, as `export` writes them, and says how many were stored more than
 * once: a lookup read again with `refresh` stores every post twice. An archive whose harvests ended
 * before the count was kept says so, and its next harvest counts the earlier ones from their files.
 */

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import { readPostIds } from '../../platform/archive/post-ids.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { kindProject, type KindProject } from '../helpers/kind-project.js';

let fake: FakeXApi;
let project: KindProject;
let ids: string[];
const cli = (...args: string[]) => project.cli(...args);

interface ListRow {
  id: string;
  totalTweets?: number;
  distinctTweets?: number;
  duplicates?: number;
}

async function listed(): Promise<{ text: string; row: ListRow | undefined }> {
  const text = await cli('list');
  assert.equal(text.status, 0, text.stderr);
  const json = await cli('list', '--format', 'json');
  return { text: text.stdout, row: (JSON.parse(json.stdout) as ListRow[]).find((r) => r.id === 'dataset') };
}

async function run(): Promise<void> {
  const harvest = await cli('run', 'dataset');
  assert.equal(harvest.status, 0, harvest.stderr);
}

before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 3, tweetsPerUser: () => 40 } }).start();
  ids = [0, 1, 2].flatMap((index) => fake.corpus.timeline(fake.corpus.users[index]?.id ?? '').map((t) => t.id));
  project = kindProject(fake);
  mkdirSync(join(project.root, 'datasets'));
  writeFileSync(join(project.root, 'datasets', 'ids.txt'), `${ids.join('\n')}\n`);
  assert.equal((await cli('new', 'lookup', 'dataset')).status, 0);
  const path = join(project.root, 'collections', 'dataset.yaml');
  writeFileSync(path, readFileSync(path, 'utf8').replace('state: suspended', 'state: active').replace('refresh: false', 'refresh: true'));
  assert.equal((await cli('apply', '--yes')).status, 0);
});
after(async () => {
  await fake.stop();
});

describe('list, with posts stored more than once', { timeout: 180_000 }, () => {
  it('counts a post two harvests stored once, as export writes it, and names the duplicates', async () => {
    await run();
    await run();
    const { text, row } = await listed();
    assert.deepEqual([row?.totalTweets, row?.distinctTweets, row?.duplicates], [2 * ids.length, ids.length, ids.length]);
    assert.match(text, /^COLLECTION\s+TYPE\s+STATE\s+SCHEDULE\s+LAST HARVEST\s+NEW\s+POSTS\s+DUPLICATES\s+SPENT \d{4}-\d{2}$/m);
    assert.match(
      text,
      new RegExp(
        `^dataset\\s+lookup\\s+in sync\\s+-\\s+\\S+ \\S+ completed\\s+\\+${ids.length}\\s+${ids.length}\\s+${ids.length}\\s+\\$`,
        'm',
      ),
    );
    assert.doesNotMatch(text, /not counted/);
    assert.equal((await cli('export', 'dataset', '--format', 'jsonl', '--out', 'dataset.jsonl')).status, 0);
    const rows = readFileSync(join(project.root, 'dataset.jsonl'), 'utf8').trim().split('\n');
    assert.equal(rows.length, row?.distinctTweets, 'list and export agree');
  });

  it('says an archive from before the count is not counted, and its next harvest counts the earlier harvests from their files', async () => {
    const keys = collectionKeys('dataset');
    await project.store.delete(keys.postIds);
    const last = await readObject(project.store, keys.lastHarvest, 'last-harvest');
    assert.ok(last);
    const { distinct_tweets: _counted, ...before } = last.value;
    await writeObject(project.store, keys.lastHarvest, 'last-harvest', before);
    const uncounted = await listed();
    assert.equal(uncounted.row?.distinctTweets, undefined);
    assert.match(uncounted.text, new RegExp(`^dataset\\s.*\\s${2 * ids.length}\\s+not counted\\s+\\$`, 'm'), 'the stored count, marked');
    assert.match(uncounted.text, /POSTS of dataset may count a post stored twice more than once.*Their next harvest counts them\./);

    await run();
    const { row } = await listed();
    assert.deepEqual([row?.totalTweets, row?.distinctTweets, row?.duplicates], [3 * ids.length, ids.length, 2 * ids.length]);
    const index = await readPostIds(project.store, 'dataset');
    assert.deepEqual([index?.header.posts, index?.header.tweets, index?.header.harvests.length], [ids.length, 3 * ids.length, 3]);
    assert.deepEqual(
      [...(index?.ids ?? [])].map(String),
      [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
    );
  });

  it('rebuilds a damaged index from the tweet files instead of failing the harvest or the count', async () => {
    await project.store.put(collectionKeys('dataset').postIds, 'not an index');
    await run();
    const { row } = await listed();
    assert.deepEqual([row?.totalTweets, row?.distinctTweets, row?.duplicates], [4 * ids.length, ids.length, 3 * ids.length]);
    assert.equal((await readPostIds(project.store, 'dataset'))?.header.harvests.length, 4);
  });
});
