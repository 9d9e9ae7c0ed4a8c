/*
 * Stopping is first class: `stop <id>` ends a running harvest gracefully (what it collected, its
 * record and its state stored), and `run` passes SIGINT and SIGTERM on to its harvest and waits
 * for it, so that no harvest is orphaned holding its lock.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { processRuns } from '../../platform/local-process.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { putCollection, SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';

let fake: FakeXApi;
let root: string;
let store: LocalArchiveStore;
let env: NodeJS.ProcessEnv;

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 3, tweetsPerUser: () => 0 },
    stream: { tweets: 1_000_000, perSecond: 100, keepAliveMs: 100 },
  }).start();
  root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
  store = new LocalArchiveStore(join(root, 'archive'));
  env = {
    HOME: root,
    TWARC_CLOUD_DEFAULT_BEARER_TOKEN: SECRET_BEARER,
    TWARC_CLOUD_API_BASE_URL: fake.baseUrl,
    TWARC_CLOUD_STOP_POLL_MS: '200',
    CI: '',
    GITHUB_ACTOR: '',
  };
});
after(async () => {
  await fake.stop();
});

async function stream(id: string): Promise<void> {
  await putCollection(store, { id, type: 'filter', rules: [{ value: id }], output: { tweets_per_file: 50, rotate_minutes: 30 } });
}

async function lockOf(id: string): Promise<{ pid: number; harvest: string } | undefined> {
  const lock = await readObject(store, collectionKeys(id).lock, 'lock');
  return lock ? { pid: lock.value.holder.pid, harvest: lock.value.harvest_id } : undefined;
}

async function outcomeOf(id: string): Promise<string | undefined> {
  return (await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest'))?.value.outcome;
}

describe('stopping a harvest', { timeout: 120_000 }, () => {
  it('stop <id> ends a running harvest gracefully through its control API', async () => {
    await stream('first');
    const harvest = startHarvest(['first', '--archive', join(root, 'archive')], env);
    await harvest.waitForLog(/tweet file stored/);
    const stopped = await runCliAsync(['stop', 'first'], { cwd: root, env });
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.match(stopped.stdout, /Stopped harvest \d{8}T\d{6}Z of first \(through its control API\)/);
    assert.equal((await harvest.done).code, 0);
    assert.equal(await lockOf('first'), undefined);
    assert.equal(await outcomeOf('first'), 'stopped');
    assert.ok((await storedTweets(store, 'first')).length >= 50);
    const again = await runCliAsync(['stop', 'first'], { cwd: root, env });
    assert.equal(again.status, 0);
    assert.match(again.stdout, /No harvest of first is running/);
  });

  it('sends SIGTERM to a harvest on this machine that has not ended within --wait', async () => {
    await stream('deaf');
    // A control API that cannot be reached, and a stop request it polls for only every 10 minutes.
    const harvest = startHarvest(['deaf', '--archive', join(root, 'archive'), '--advertise-host', 'twarc-cloud-test.invalid'], {
      ...env,
      TWARC_CLOUD_STOP_POLL_MS: '600000',
    });
    await harvest.waitForLog(/stream connected/);
    const stopped = await runCliAsync(['stop', 'deaf', '--wait', '2'], { cwd: root, env });
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.match(stopped.stdout, /Stopped harvest \d{8}T\d{6}Z of deaf with SIGTERM after 2 s/);
    assert.equal((await harvest.done).code, 0);
    assert.equal(await outcomeOf('deaf'), 'stopped');
  });

  it('sees a harvest killed with SIGKILL as dead: status says so, stop has nothing to stop, unlock closes its record', async () => {
    await stream('killed');
    const harvest = startHarvest(['killed', '--archive', join(root, 'archive')], env);
    await harvest.waitForLog(/stream connected/);
    const lock = await lockOf('killed');
    assert.ok(lock);
    process.kill(lock.pid, 'SIGKILL');
    await harvest.done;
    const status = await runCliAsync(['status', 'killed'], { cwd: root, env });
    assert.match(status.stdout, /not running: its process is gone, and its lock is left over \(twarc-cloud unlock killed releases it\)/);
    const stopped = await runCliAsync(['stop', 'killed', '--wait', '3'], { cwd: root, env });
    assert.equal(stopped.status, 0, stopped.stderr);
    assert.match(stopped.stdout, /is not running: its process \(pid \d+\) on this machine is gone/);
    const unlocked = await runCliAsync(['unlock', 'killed'], { cwd: root, env });
    assert.equal(unlocked.status, 0, unlocked.stderr);
    assert.match(unlocked.stdout, /harvest\.json now says failed: interrupted/);
    const record = await readObject(store, collectionKeys('killed').harvest(lock.harvest).summary, 'harvest');
    assert.equal(record?.value.outcome, 'failed');
    assert.match(record.value.stop_reason ?? '', /^interrupted/);
    assert.equal(await lockOf('killed'), undefined);
  });

  it('refuses a --wait that is not a number of seconds', async () => {
    const refused = await runCliAsync(['stop', 'first', '--wait', 'soon'], { cwd: root, env });
    assert.equal(refused.status, 1);
    assertNoCrash(refused);
    assert.match(refused.stderr, /--wait soon is not a number of seconds/);
  });
});

describe('run and signals', { timeout: 120_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`passes ${signal} on to its harvest and waits for it: nothing is left running or locked`, async () => {
      const id = `signalled-${signal.toLowerCase()}`;
      await stream(id);
      const run = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'run', id], {
        cwd: root,
        env: { ...process.env, ...env },
      });
      let stderr = '';
      run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => run.on('close', resolve));
      const deadline = Date.now() + 30_000;
      while (!/stream connected/.test(stderr)) {
        assert.ok(Date.now() < deadline, `the harvest did not connect:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const lock = await lockOf(id);
      assert.ok(lock, 'the harvest holds its lock');
      run.kill(signal);
      assert.equal(await exited, 0, stderr);
      assert.equal(processRuns(lock.pid), false, 'the harvest process ended with run');
      assert.equal(await lockOf(id), undefined, 'and released its lock');
      assert.equal(await outcomeOf(id), 'stopped');
    });
  }

  it('ends its harvest gracefully when run itself is killed (SIGKILL): the harvest never runs on orphaned', async () => {
    const id = 'orphan';
    await stream(id);
    const run = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'run', id], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => run.on('close', resolve));
    await until(
      () => `the harvest to connect:\n${stderr}`,
      () => Promise.resolve(/stream connected/.test(stderr)),
    );
    const lock = await lockOf(id);
    assert.ok(lock && run.pid !== undefined);
    const running = () => [run.pid ?? 0, lock.pid].filter((pid) => processRuns(pid)).length;
    const before = running();
    assert.equal(before, 2, 'run and its harvest');
    run.kill('SIGKILL');
    await exited;
    await until('the orphaned harvest to end and release its lock', async () => !processRuns(lock.pid) && (await lockOf(id)) === undefined);
    assert.equal(running(), 0, 'neither run nor its harvest is left');
    console.log(`# orphan figures (run): ${before} processes before SIGKILL of run (run, its harvest), ${running()} after`);
    assert.equal(await outcomeOf(id), 'stopped', 'the harvest stored what it had and recorded a graceful stop');
  });
});
