import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { userObject } from '../../simulator/x-api/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { assertNoCrash, fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';

type HarvestRecord = ArchiveObjects['harvest'];

const COMMENTED = `# yaml-language-server: $schema=../schemas/collection.schema.json
# Climate scientists we follow; reviewed every term.
id: scientists
type: user_timeline
schedule: rate(1 day)
users:
  "1000000":   # the first one
    screen_name: user_0
    note: keep me
delete_users_for: [suspended]   # keep the rest
`;

let fake: FakeXApi;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCliAsync(args, { cwd: root, env });

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 4, tweetsPerUser: () => 40, conditions: { 2: 'suspended', 3: 'protected' } },
  }).start();
  root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', 'collections/scientists.yaml': COMMENTED });
  execFileSync('git', ['-C', root, 'init', '-q']);
  env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
});
after(async () => {
  await fake.stop();
});

describe('operating a collection on the local target', { timeout: 120_000 }, () => {
  it('users add looks accounts up, adds them, reports the rest, and leaves every existing line byte-identical', async () => {
    const result = await cli('users', 'add', 'scientists', '@user_1', 'user_2', 'user_3', 'nobody_here', 'user_0');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /\+ 1007919 @user_1/);
    assert.match(result.stderr, /nobody_here: not found \(not added\)/);
    assert.match(result.stderr, /user_2: suspended \(not added\)/);
    assert.match(result.stderr, /user_3: protected \(added/);
    const text = readFileSync(join(root, 'collections', 'scientists.yaml'), 'utf8');
    const inserted = text.split('\n').filter((line) => !COMMENTED.split('\n').includes(line));
    // What the look-up said of each account is kept for the plan's cost estimate: no second look-up to price it.
    const facts = (id: string): string => {
      const user = fake.corpus.user(id);
      assert.ok(user);
      const count = (userObject(user)['public_metrics'] as { tweet_count: number }).tweet_count;
      const perDay = Math.round((count / ((Date.now() - Date.parse(user.createdAt)) / 86_400_000)) * 100) / 100;
      return `    looked_up: { on: ${new Date().toISOString().slice(0, 10)}, tweet_count: ${count}, posts_per_day: ${perDay} }`;
    };
    assert.deepEqual(inserted, [
      '  "1007919":',
      '    screen_name: user_1',
      facts('1007919'),
      '  "1023757":',
      '    screen_name: user_3',
      facts('1023757'),
    ]);
    assert.equal(
      text
        .split('\n')
        .filter((line) => !inserted.includes(line))
        .join('\n'),
      COMMENTED,
      'the original lines, in order, byte for byte',
    );
    assert.equal((await cli('validate')).status, 0);
  });

  it('run harvests now; list, last and changes show it; status shows nothing running', async () => {
    assert.equal((await cli('apply', '--yes')).status, 0);
    const run = await cli('run', 'scientists');
    assert.equal(run.status, 0, run.stderr);
    const rows = JSON.parse((await cli('list', '--format', 'json')).stdout) as Array<{
      id: string;
      state: string;
      lastHarvest?: { tweets: number; outcome: string };
    }>;
    assert.deepEqual(
      rows.map((r) => [r.id, r.state, r.lastHarvest?.outcome, r.lastHarvest?.tweets]),
      [['scientists', 'in sync', 'completed', 80]],
    );
    const text = await cli('list');
    assert.match(text.stdout, /^COLLECTION\s+TYPE\s+STATE/m);
    assert.match(text.stdout, /scientists\s+user_timeline\s+in sync\s+rate\(1 day\)/);
    const last = await cli('last', 'scientists');
    assert.match(last.stdout, /harvest \d{8}T\d{6}Z completed/);
    assert.match(last.stdout, /80 tweets/);
    assert.match(last.stdout, /^ {2}the collection: 80 tweets stored by all its harvests, 80 distinct posts \(0 stored more than once\)$/m);
    assert.match(
      last.stdout,
      /bought: 80 posts, \d+ users, \$\d+\.\d\d at x_api\.prices \(expansions brought \d+ posts and \d+ users more, possibly billed\)/,
    );
    assert.match(last.stdout, /user 1023757: protected @user_3 \(skipped\)/);
    const changes = await cli('changes', 'scientists');
    assert.match(changes.stdout, /create {2}by .*@/);
    assert.match(changes.stdout, / {4}users: - -> \{"1000000"/);
    assert.match(
      (await cli('changes', 'scientists', '--deletes-only')).stdout,
      /^No removals recorded for scientists: none of its \d+ changesets? removes the collection, a field or an account\.$/m,
      'an empty answer says so, instead of printing nothing',
    );
    const status = (await cli('status')).stdout;
    assert.match(status, /No harvest is running/);
    // What the harvest bought, as its record has it, priced at the default prices: in status and in list.
    const record = (JSON.parse((await cli('last', 'scientists', '--format', 'json')).stdout) as { harvest: HarvestRecord }).harvest;
    assert.ok(record.billable);
    assert.equal(record.billable.posts, 80);
    const usd = (record.billable.posts * 0.005 + record.billable.users * 0.01).toFixed(2);
    const month = new Date().toISOString().slice(0, 7);
    assert.match(status, new RegExp(`Spent on X reads in ${month} \\(UTC\\): \\$${usd} for 80 posts`));
    assert.match(status, new RegExp(`scientists\\s+\\$${usd}\\s+80 posts, ${record.billable.users} users in 1 harvest`));
    assert.match(text.stdout, new RegExp(`SPENT ${month}`));
    assert.match(text.stdout, new RegExp(`scientists\\s+user_timeline.*\\$${usd}$`, 'm'));
    // An incremental run that finds nothing new: the list tells the new from the total.
    const rerun = await cli('run', 'scientists');
    assert.equal(rerun.status, 0, rerun.stderr);
    const relisted = await cli('list');
    assert.match(relisted.stdout, /^COLLECTION\s+TYPE\s+STATE\s+SCHEDULE\s+LAST HARVEST\s+NEW\s+POSTS\s+DUPLICATES\s+SPENT \d{4}-\d{2}$/m);
    // Nothing new and no look-up due: the month's spend is the first run's.
    assert.match(
      relisted.stdout,
      new RegExp(`^scientists\\s+user_timeline\\s+in sync\\s+rate\\(1 day\\)\\s+\\S+ \\S+ completed\\s+\\+0\\s+80\\s+0\\s+\\$${usd}$`, 'm'),
    );
    writeFileSync(join(root, 'collections', 'scientists.yaml'), COMMENTED.replace('delete_users_for: [suspended]   # keep the rest\n', ''));
    rmFile(join(root, 'collections', 'scientists.yaml'));
    assert.equal((await cli('apply', '--yes')).status, 0);
    const deletes = await cli('changes', 'scientists', '--deletes-only', '--format', 'json');
    assert.deepEqual(
      (JSON.parse(deletes.stdout) as Array<{ action: string }>).map((c) => c.action),
      ['remove'],
    );
    writeFileSync(join(root, 'collections', 'scientists.yaml'), COMMENTED);
    assert.equal((await cli('apply', '--yes')).status, 0);
  });

  it('unlock refuses a live lock (saying who holds it) unless forced, and releases a stale one', async () => {
    const store = new LocalArchiveStore(join(root, 'archive'));
    const lock = (heartbeat: Date) => ({
      format: 'twarc-cloud/lock@1' as const,
      collection: 'scientists',
      harvest_id: '20261129T100000Z',
      holder: { host: 'worker-7', pid: 4242 },
      acquired_at: heartbeat.toISOString(),
      heartbeat_at: heartbeat.toISOString(),
    });
    await writeObject(store, collectionKeys('scientists').lock, 'lock', lock(new Date()));
    const status = await cli('status', 'scientists');
    assert.match(
      status.stdout,
      /scientists {2}harvest 20261129T100000Z on worker-7 pid 4242 {2}last heartbeat .*; no progress reported yet/,
    );
    // An ECS task takes no inbound connections: status reads the progress its heartbeat wrote into the lock.
    const started = new Date(Date.now() - 10 * 60_000);
    await writeObject(store, collectionKeys('scientists').lock, 'lock', {
      ...lock(new Date()),
      acquired_at: started.toISOString(),
      progress: { tweets: 1500, files: 3, bytes: 3 * 1024 * 1024, at: new Date(started.getTime() + 5 * 60_000).toISOString() },
    });
    assert.match((await cli('status', 'scientists')).stdout, /1500 tweets, 3 files, 3\.0 MiB stored; 300 tweets\/min \(as of /);
    const json = JSON.parse((await cli('status', 'scientists', '--format', 'json')).stdout) as {
      running: Array<{ progress: { tweets_per_minute: number } }>;
    };
    assert.equal(json.running[0]?.progress.tweets_per_minute, 300);
    await writeObject(store, collectionKeys('scientists').lock, 'lock', lock(new Date()));
    const refused = await cli('unlock', 'scientists');
    assert.equal(refused.status, 1);
    assertNoCrash(refused);
    assert.match(refused.stderr, /locked by harvest 20261129T100000Z on worker-7 \(pid 4242\)/);
    assert.equal((await cli('unlock', 'scientists', '--force')).status, 0);
    assert.equal(await store.get(collectionKeys('scientists').lock), undefined);
    await writeObject(store, collectionKeys('scientists').lock, 'lock', lock(new Date(Date.now() - 3_600_000)));
    assert.match((await cli('unlock', 'scientists')).stdout, /Released the lock/);
  });

  it('download fetches and verifies, skips what it has, refetches a damaged local file, and reports a damaged archive file', async () => {
    const first = await cli('download', 'scientists', '--dest', 'out');
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /scientists: \d+ downloaded .*, 0 already there/);
    const harvests = join(root, 'out', 'harvests');
    const tweetFile = readdirSync(harvests, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.jsonl.gz'));
    assert.ok(tweetFile);
    const again = await cli('download', 'scientists', '--dest', 'out');
    // Only what changes after it is written (collection.json, state.json, last_harvest.json and
    // post_ids.gz at the top); every harvest's own collection.json and files are kept.
    assert.match(again.stdout, /: 4 downloaded .*, [1-9]\d* already there/);
    writeFileSync(join(harvests, tweetFile), 'damaged');
    const repaired = await cli('download', 'scientists', '--dest', 'out');
    assert.equal(repaired.status, 0);
    assert.notEqual(readFileSync(join(harvests, tweetFile), 'utf8'), 'damaged');
    const archived = join(root, 'archive', 'collections', 'scientists', 'harvests', tweetFile);
    writeFileSync(archived, 'bit rot');
    const detected = await cli('download', 'scientists', '--dest', 'fresh');
    assert.equal(detected.status, 1);
    assert.match(detected.stderr, /MISMATCH: harvests\/.*\.jsonl\.gz does not match manifest-sha1\.txt/);
  });

  it('explains an unknown collection without a stack trace', async () => {
    for (const command of [
      ['last', 'nope'],
      ['changes', 'nope'],
      ['download', 'nope'],
      ['users', 'add', 'nope', 'x'],
    ]) {
      const result = await cli(...command);
      assert.equal(result.status, 1, command.join(' '));
      assertNoCrash(result);
    }
  });
});

function rmFile(path: string): void {
  execFileSync('rm', [path]);
}

describe('reading a target that has no archive yet', () => {
  it('says where it looked and how the archive appears, for every reading command', async () => {
    const empty = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', 'collections/.keep': '' });
    for (const command of [['list'], ['status'], ['last', 'x'], ['changes', 'x'], ['download', 'x'], ['unlock', 'x'], ['run', 'x']]) {
      const result = await runCliAsync(command, { cwd: empty, env: { HOME: empty } });
      assert.equal(result.status, 1, command.join(' '));
      assertNoCrash(result);
      assert.match(
        result.stderr,
        /there is no archive at .*archive yet\n {2}hint: it appears with the first `twarc-cloud apply`/,
        command.join(' '),
      );
    }
  });
});
