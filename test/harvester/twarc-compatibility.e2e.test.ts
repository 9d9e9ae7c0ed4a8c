/*
 * Researchers read our files with twarc2's own tools: every file must go through them whole.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { collectionKeys } from '../../platform/archive/keys.js';
import { listAll } from '../../platform/archive/store.js';
import { FakeXApi } from '../fakes/x-api/server.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { twarcCsvArguments, venvTool } from '../helpers/python-tools.js';
import { localArchive, putCollection, SECRET_BEARER, type ArchiveFixture } from '../helpers/archive-fixtures.js';

let fake: FakeXApi;
let archive: ArchiveFixture;

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 4, tweetsPerUser: () => 120, searchTweets: 260 },
    stream: { tweets: 1_000_000, keepAliveMs: 100 },
  }).start();
  archive = await localArchive();
  const users = Object.fromEntries(fake.corpus.users.map((u) => [u.id, { screen_name: u.username }]));
  const output = { tweets_per_file: 150, rotate_minutes: 30 };
  await putCollection(archive.store, { id: 'timelines', type: 'user_timeline', users, delete_users_for: [], output });
  await putCollection(archive.store, { id: 'search', type: 'search', query: 'climate', archive: false, output });
  await putCollection(archive.store, { id: 'stream', type: 'filter', rules: [{ value: 'climate', tag: 'c' }], max_records: 300, output });
  for (const id of ['timelines', 'search', 'stream']) {
    const result = await startHarvest([id, '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env).done;
    assert.equal(result.code, 0, result.stderr);
  }
});

after(async () => {
  await fake.stop();
});

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // twarc2 asks for credentials before any command, even offline ones; a dummy token satisfies it.
    const env = { PATH: process.env['PATH'], HOME: tmpdir(), BEARER_TOKEN: 'offline-use-only' };
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

async function tweetFiles(collectionId: string): Promise<Array<{ key: string; text: string; tweets: number }>> {
  const files = [];
  for await (const object of listAll(archive.store, collectionKeys(collectionId).harvestsPrefix)) {
    if (!object.key.endsWith('.jsonl.gz')) continue;
    const text = gunzipSync((await archive.store.get(object.key))?.body ?? Buffer.alloc(0)).toString('utf8');
    const tweets = text
      .split('\n')
      .filter(Boolean)
      .reduce((sum, line) => {
        const data = (JSON.parse(line) as { data: unknown }).data;
        return sum + (Array.isArray(data) ? data.length : 1);
      }, 0);
    files.push({ key: object.key, text, tweets });
  }
  return files;
}

for (const collectionId of ['timelines', 'search', 'stream']) {
  describe(`${collectionId} files read by twarc2's tools`, () => {
    it('twarc2 flatten turns every line into its tweets, and twarc-csv makes a row of each', async () => {
      const twarc2 = venvTool('twarc2');
      const files = await tweetFiles(collectionId);
      assert.ok(files.length >= 2, 'rotation produced several files');
      const dir = await mkdtemp(join(tmpdir(), 'twarc2-read-'));
      for (const [index, file] of files.entries()) {
        const input = join(dir, `in-${index}.jsonl`);
        await writeFile(input, file.text);
        const flat = await run(twarc2, ['flatten', input, join(dir, `flat-${index}.jsonl`)]);
        assert.equal(flat.code, 0, `twarc2 flatten refused ${file.key}:\n${flat.output}`);
        const flattened = (await readFile(join(dir, `flat-${index}.jsonl`), 'utf8')).split('\n').filter(Boolean);
        assert.equal(flattened.length, file.tweets, `flatten of ${file.key}`);
        const first = JSON.parse(flattened[0] ?? '{}') as { author?: { username?: string }; __twarc?: { url?: string } };
        assert.ok(first.author?.username, 'expansions resolved: the author is inlined');
        assert.ok(first.__twarc?.url, '__twarc travels with each tweet');
        const csv = await run(twarc2, twarcCsvArguments(input, join(dir, `out-${index}.csv`)));
        assert.equal(csv.code, 0, `twarc-csv refused ${file.key}:\n${csv.output}`);
        const rows = (await readFile(join(dir, `out-${index}.csv`), 'utf8')).trim().split('\n');
        assert.equal(rows.length - 1, file.tweets, `csv rows of ${file.key}`);
      }
    });
  });
}
