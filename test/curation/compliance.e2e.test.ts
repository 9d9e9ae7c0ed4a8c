/*
 * Compliance as a user runs it, against the fake X API's batch compliance jobs: the collection's
 * ids go up to storage without X's credentials, X's answers land in the archive beside the
 * harvests (nothing harvested changes), and --comply leaves out exactly what they mark.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { COLUMNS_BEYOND_TWARC_CSV } from '../../curation/export/tweet-columns.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { listAll } from '../../platform/archive/store.js';
import { pagesOf, tweetFiles } from '../../platform/archive/harvest-files.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { assertNoCrash, fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { runCliOnReadOnly } from '../helpers/read-only-mount.js';
import { tempProject } from '../helpers/temp-project.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';

const COLLECTION = `id: scientists
type: user_timeline
schedule: rate(1 day)
users:
  "1000000":
    screen_name: user_0
  "1007919":
    screen_name: user_1
  "1015838":
    screen_name: user_2
`;

let fake: FakeXApi;
let root: string;
let env: NodeJS.ProcessEnv;
let store: LocalArchiveStore;
const cli = (...args: string[]) => runCliAsync(args, { cwd: root, env });

interface Row {
  readonly id: string;
  readonly author: string;
}
const harvested: Row[] = [];
let deleted: string[] = [];
let suspended = '';

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 3, tweetsPerUser: () => 25 },
    compliance: { processingMs: 150 },
  }).start();
  root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', 'collections/scientists.yaml': COLLECTION });
  execFileSync('git', ['-C', root, 'init', '-q']);
  // Poll the fake's jobs every 50 ms (the test knob; --poll-seconds takes 1 to 3,600).
  env = { ...fakeApiEnv(root, fake.baseUrl, SECRET_BEARER), TWARC_CLOUD_COMPLIANCE_POLL_MS: '50' };
  assert.equal((await cli('apply', '--yes')).status, 0);
  const run = await cli('run', 'scientists');
  assert.equal(run.status, 0, run.stderr);
  store = new LocalArchiveStore(join(root, 'archive'));
  for (const file of await tweetFiles(store, 'scientists'))
    for await (const page of pagesOf(store, file.key))
      for (const tweet of page['data'] as Array<{ id: string; author_id: string }>)
        harvested.push({ id: tweet.id, author: tweet.author_id });
  // Later, on X: three tweets of user_0 are deleted and user_2's account is suspended.
  deleted = harvested
    .filter((r) => r.author === '1000000')
    .slice(0, 3)
    .map((r) => r.id);
  suspended = '1015838';
  for (const id of deleted) fake.compliance.mark('tweets', id, 'deleted');
  fake.compliance.mark('users', suspended, 'suspended');
});
after(async () => {
  await fake.stop();
});

describe('compliance with deletions, end to end against the fake X API', { timeout: 120_000 }, () => {
  it('submits every stored id, and writes what X marked into compliance/ without touching a harvest', async () => {
    assert.equal(harvested.length, 75, 'three users, 25 tweets each');
    const before = await harvestObjects();
    const result = await cli('compliance', 'scientists');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /tweets: \d+ checked \(job \d+\), 3 with events: deleted 3/);
    assert.match(result.stdout, /users: \d+ checked \(job \d+\), 1 with events: suspended 1/);
    assert.deepEqual(await harvestObjects(), before, 'every harvest object as it was');

    const runs = readdirSync(join(root, 'archive', 'collections', 'scientists', 'compliance'));
    assert.equal(runs.length, 1);
    const run = collectionKeys('scientists').compliance(runs[0] ?? '');
    const record = (await readObject(store, run.record, 'compliance'))?.value;
    assert.ok(record, 'the run record, valid by its schema');
    assert.deepEqual(
      record.jobs.map((j) => [j.type, j.events, j.reasons]),
      [
        ['tweets', 3, { deleted: 3 }],
        ['users', 1, { suspended: 1 }],
      ],
    );
    assert.ok((record.jobs[0]?.ids ?? 0) >= 75, 'every harvested tweet id, and the referenced ones');
    const tweetsResults = readFileSync(join(root, 'archive', run.results('tweets')), 'utf8')
      .trim()
      .split('\n');
    assert.deepEqual(tweetsResults.map((line) => (JSON.parse(line) as { id: string }).id).sort(), [...deleted].sort());
    const usersResults = readFileSync(join(root, 'archive', run.results('users')), 'utf8')
      .trim()
      .split('\n');
    assert.deepEqual(
      usersResults.map((line) => JSON.parse(line) as { id: string; reason: string }).map((e) => [e.id, e.reason]),
      [[suspended, 'suspended']],
    );
    assert.ok(
      fake.compliance.uploads.length === 2 && fake.compliance.uploads.every((u) => !u.authorization && u.contentType === 'text/plain'),
    );
    assert.ok(
      !JSON.stringify(record).includes(SECRET_BEARER) && !result.stdout.includes(SECRET_BEARER) && !result.stderr.includes(SECRET_BEARER),
    );
  });

  it('download --comply writes the tweet files without exactly the marked tweets, and says how many', async () => {
    const result = await cli('download', 'scientists', '--dest', 'out', '--comply');
    assert.equal(result.status, 0, result.stderr);
    const kept = downloadedTweetIds(join(root, 'out'));
    const expected = harvested.filter((r) => !deleted.includes(r.id) && r.author !== suspended).map((r) => r.id);
    assert.deepEqual([...kept].sort(), [...expected].sort());
    assert.match(result.stdout, /--comply: 28 tweets left out by compliance run \d{8}T\d{6}Z \(3 tweet deleted, 25 author suspended\)/);
    const pages = downloadedPages(join(root, 'out'));
    assert.ok(
      pages.every((p) => !(p.includes?.users ?? []).some((u) => u.id === suspended)),
      'the suspended account is gone from includes too',
    );
    assert.ok(existsSync(join(root, 'archive', 'collections', 'scientists', 'post_ids.gz')), 'the harvest kept its post ids');
    assert.ok(
      !existsSync(join(root, 'out', 'post_ids.gz')),
      'the ids of every post stored, deleted ones too, stay out of a complying copy',
    );
  });

  it("export --comply leaves out exactly the marked tweets and the suspended account's, and says how many", async () => {
    const result = await cli('export', 'scientists', '--format', 'jsonl', '--comply', '--out', 'complying.jsonl');
    assert.equal(result.status, 0, result.stderr);
    const rows = readFileSync(join(root, 'complying.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; 'author.id': string });
    const expected = harvested.filter((r) => !deleted.includes(r.id) && r.author !== suspended).map((r) => r.id);
    assert.deepEqual(rows.map((r) => r.id).sort(), [...expected].sort());
    assert.match(result.stdout, /--comply: 28 tweets left out by compliance run \d{8}T\d{6}Z \(3 tweet deleted, 25 author suspended\)/);
    const all = await cli('export', 'scientists', '--format', 'jsonl', '--out', 'all.jsonl');
    assert.match(all.stdout, /scientists: 75 tweets/, 'without --comply, nothing is left out');
  });

  it('exports a Parquet file with its columns and no row when every tweet is left out', async () => {
    fake.compliance.mark('users', '1000000', 'deactivated');
    fake.compliance.mark('users', '1007919', 'protected');
    assert.equal((await cli('compliance', 'scientists')).status, 0);
    const result = await cli('export', 'scientists', '--format', 'parquet', '--comply', '--out', 'none.parquet');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /scientists: 0 tweets/);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const file = join(root, 'none.parquet').replace(/'/g, "''");
    assert.equal(Number((await db.runAndReadAll(`SELECT count(*) FROM '${file}'`)).getRows()[0]?.[0]), 0);
    assert.equal(
      (await db.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`)).getRows().length,
      84 + COLUMNS_BEYOND_TWARC_CSV.length,
      "twarc-csv's 84 columns and ours after them",
    );
  });

  it('refuses --comply before any compliance run, and a second job while X still has one unfinished', async () => {
    const other = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/scientists.yaml': COLLECTION,
    });
    execFileSync('git', ['-C', other, 'init', '-q']);
    const otherEnv = { ...fakeApiEnv(other, fake.baseUrl, SECRET_BEARER), TWARC_CLOUD_COMPLIANCE_POLL_MS: '50' };
    assert.equal((await runCliAsync(['apply', '--yes'], { cwd: other, env: otherEnv })).status, 0);
    assert.equal((await runCliAsync(['run', 'scientists'], { cwd: other, env: otherEnv })).status, 0);
    const early = await runCliAsync(['download', 'scientists', '--comply'], { cwd: other, env: otherEnv });
    assertNoCrash(early);
    assert.equal(early.status, 1);
    assert.match(early.stderr, /has no compliance run yet.*\n.*twarc-cloud compliance scientists/);

    assert.equal(fake.compliance.create(SECRET_BEARER, { type: 'tweets' }).status, 200, 'a job another tool left unfinished');
    const busy = await runCliAsync(['compliance', 'scientists'], { cwd: other, env: otherEnv });
    assertNoCrash(busy);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /already has an unfinished tweets compliance job \(\d+, created/);
    fake.compliance.expireUnused();
    assert.equal((await listed(other)).length, 0, 'nothing written for a run that did not happen');

    const unknown = await cli('compliance', 'nobody');
    assertNoCrash(unknown);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /no collection nobody in/);
  });

  it('by hand, a collection never harvested is an error; on a schedule (--skip-if-empty) a note, without credentials', async () => {
    const fresh = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/scientists.yaml': `${COLLECTION}compliance:\n  schedule: rate(7 days)\n`,
    });
    execFileSync('git', ['-C', fresh, 'init', '-q']);
    const freshEnv = fakeApiEnv(fresh, fake.baseUrl, SECRET_BEARER);
    assert.equal((await runCliAsync(['apply', '--yes'], { cwd: fresh, env: freshEnv })).status, 0);
    const byHand = await runCliAsync(['compliance', 'scientists'], { cwd: fresh, env: freshEnv });
    assertNoCrash(byHand);
    assert.equal(byHand.status, 1);
    assert.match(byHand.stderr, /collection scientists has no harvested tweets yet/);
    const { TWARC_CLOUD_DEFAULT_BEARER_TOKEN: _token, ...noCredentials } = freshEnv;
    const scheduled = await runCliAsync(['compliance', 'scientists', '--skip-if-empty', '--archive', join(fresh, 'archive')], {
      cwd: fresh,
      env: noCredentials,
    });
    assert.equal(scheduled.status, 0, scheduled.stderr);
    assert.match(scheduled.stdout, /scientists: no harvested tweets yet; nothing to check \(--skip-if-empty\)/);
    assert.equal((await listed(fresh)).length, 0);
  });

  it('makes no paid job when the archive cannot take its results (read-only): the write fails first, clearly', async () => {
    const jobsBefore = fake.requests.filter((r) => r.endpoint === 'compliance/jobs').length;
    const runsBefore = readdirSync(join(root, 'archive', 'collections', 'scientists', 'compliance'));
    const result = await runCliOnReadOnly(join(root, 'archive'), ['compliance', 'scientists'], { cwd: root, env });
    assertNoCrash(result);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /the file system is read-only \(EROFS\)/);
    assert.equal(fake.requests.filter((r) => r.endpoint === 'compliance/jobs').length, jobsBefore, 'no job was made, or asked about');
    assert.deepEqual(readdirSync(join(root, 'archive', 'collections', 'scientists', 'compliance')), runsBefore);
  });

  it('is told, not a bug, when the API has no compliance endpoints (a 404), and takes --poll-seconds from 1 to 3,600 only', async () => {
    const missing = createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ title: 'Not Found Error', detail: 'Sorry, that page does not exist.', status: 404 }));
    });
    await new Promise<void>((resolve) => missing.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = missing.address() as AddressInfo;
      const result = await runCliAsync(['compliance', 'scientists'], {
        cwd: root,
        env: { ...env, TWARC_CLOUD_API_BASE_URL: `http://127.0.0.1:${port}/2/` },
      });
      assertNoCrash(result);
      assert.equal(result.status, 1);
      assert.match(
        result.stderr,
        /X API answered 404 Not Found for compliance\/jobs at http:\/\/127\.0\.0\.1:\d+\/2\/ \(Not Found Error: Sorry, that page does not exist\.\)/,
      );
      assert.match(result.stderr, /check the API base URL/);
    } finally {
      await new Promise((resolve) => missing.close(resolve));
    }
    for (const seconds of ['0', '0.05', '3601']) {
      const refused = await cli('compliance', 'scientists', '--poll-seconds', seconds);
      assertNoCrash(refused);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /--poll-seconds must be a number of seconds from 1 to 3600/);
    }
  });

  it('keeps only what answers for the ids submitted, once each, and refuses a results file far too large for them', async () => {
    const marked = deleted[0] ?? '';
    fake.compliance.appendToResults([
      JSON.stringify({ id: '../../etc/passwd', action: 'delete', reason: 'deleted' }),
      JSON.stringify({ id: marked, action: 'delete', reason: 'x'.repeat(5000) }),
      JSON.stringify({ id: marked, action: 'delete', reason: 'deleted' }),
    ]);
    try {
      const result = await cli('compliance', 'scientists');
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stderr,
        /warning: 3 lines of X's tweets results left out, not kept: 1 about ids never submitted, 1 with a reason or action that is not one, 1 repeated/,
      );
      const newest =
        (await listed(root))
          .filter((key) => key.endsWith('/tweets.jsonl'))
          .sort()
          .at(-1) ?? '';
      const kept = (await store.get(newest))?.body.toString('utf8') ?? '';
      assert.doesNotMatch(kept, /etc\/passwd|xxxx/);
      assert.equal(kept.trim().split('\n').length, deleted.length, 'one line for each id X marked');
      const lines = Array.from({ length: 20_000 }, (_, i) =>
        JSON.stringify({ id: String(i), action: 'delete', reason: 'deleted', pad: 'y'.repeat(80) }),
      );
      fake.compliance.appendToResults(lines);
      const huge = await cli('compliance', 'scientists');
      assertNoCrash(huge);
      assert.equal(huge.status, 1, huge.stdout);
      assert.match(huge.stderr, /storage sent more than \d+ bytes, far more than an answer about these ids; nothing is kept/);
    } finally {
      fake.compliance.appendToResults([]);
    }
  });

  it('names a damaged tweet file and submits the rest; with --strict, refuses before any (paid) job is made', async () => {
    const [file] = await tweetFiles(store, 'scientists');
    assert.ok(file);
    const path = store.fileOf(file.key);
    const original = readFileSync(path);
    // Cut inside its last gzip member's trailer: the harvester appends a member a page, and a cut
    // exactly between two members leaves a shorter file that is whole as gzip.
    writeFileSync(path, original.subarray(0, original.length - 5));
    try {
      const uploads = fake.compliance.uploads.length;
      const strict = await cli('compliance', 'scientists', '--strict');
      assertNoCrash(strict);
      assert.equal(strict.status, 1, strict.stdout);
      assert.ok(strict.stderr.includes(`${file.key} is damaged: cut short`), strict.stderr);
      assert.equal(fake.compliance.uploads.length, uploads, 'no job was made, so nothing was paid for');
      const lenient = await cli('compliance', 'scientists');
      assert.equal(lenient.status, 0, lenient.stderr);
      assert.match(lenient.stderr, /warning: 1 damaged tweet file read only up to the damage/);
      assert.ok(lenient.stderr.includes(file.key));
    } finally {
      writeFileSync(path, original);
    }
  });

  it('gives up a results download that stalls after its headers, with a message, not a bug', async () => {
    fake.compliance.stallResults(10_000);
    try {
      const result = await runCliAsync(['compliance', 'scientists'], { cwd: root, env: { ...env, TWARC_CLOUD_STORAGE_IDLE_MS: '500' } });
      assertNoCrash(result);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      // Only the idle limit says this: the stall itself would end in 10 s, and the HTTP client's own limit in 300 s.
      assert.match(result.stderr, /downloading the results of job \d+ failed: storage sent nothing for 1 s/);
    } finally {
      fake.compliance.stallResults(undefined);
    }
  });
});

async function harvestObjects(): Promise<string[]> {
  const objects: string[] = [];
  for await (const object of listAll(store, collectionKeys('scientists').harvestsPrefix)) objects.push(`${object.key} ${object.size}`);
  return objects;
}

async function listed(project: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of listAll(new LocalArchiveStore(join(project, 'archive')), collectionKeys('scientists').compliancePrefix))
    keys.push(object.key);
  return keys;
}

interface Page {
  data?: Array<{ id: string }>;
  includes?: { users?: Array<{ id: string }> };
}

function downloadedPages(dir: string): Page[] {
  const pages: Page[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/^tweets-.*\.jsonl\.gz$/.test(entry.name)) continue;
    const text = gunzipSync(readFileSync(join(entry.parentPath, entry.name))).toString('utf8');
    for (const line of text.split('\n')) if (line !== '') pages.push(JSON.parse(line) as Page);
  }
  return pages;
}

function downloadedTweetIds(dir: string): string[] {
  return downloadedPages(dir).flatMap((page) => (page.data ?? []).map((t) => t.id));
}
