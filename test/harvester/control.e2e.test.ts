import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { collectionKeys, harvestId, STREAM_GROUPS_PREFIX } from '../../platform/archive/keys.js';
import { listAll } from '../../platform/archive/store.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startHarvest, type HarvestRun } from '../helpers/harvester-process.js';
import {
  localArchive,
  putCollection,
  SECRET_BEARER,
  storedTweets,
  validateArchive,
  type ArchiveFixture,
} from '../helpers/archive-fixtures.js';

const TIMEOUT = { timeout: 60_000 };

async function streamingHarvest(
  extraArgs: readonly string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ fake: FakeXApi; archive: ArchiveFixture; run: HarvestRun }> {
  const fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 3, tweetsPerUser: () => 0 },
    stream: { tweets: 1_000_000, perSecond: 400, keepAliveMs: 100 },
  }).start();
  const archive = await localArchive();
  await putCollection(archive.store, {
    id: 'live',
    type: 'filter',
    rules: [{ value: 'climate' }],
    output: { tweets_per_file: 100, rotate_minutes: 30 },
  });
  const run = startHarvest(['live', '--archive', archive.location, '--api-base-url', fake.baseUrl, ...extraArgs], {
    ...archive.env,
    ...extraEnv,
  });
  await run.waitForLog(/tweet file stored/);
  return { fake, archive, run };
}

/** A stopped harvest is complete: every file stored and listed, the record written, state matching the data, the lock gone. */
async function assertCompletelyStopped(archive: ArchiveFixture, reason: RegExp): Promise<void> {
  const last = await readObject(archive.store, collectionKeys('live').lastHarvest, 'last-harvest');
  assert.equal(last?.value.outcome, 'stopped');
  const record = await readObject(archive.store, collectionKeys('live').harvest(last.value.harvest_id).summary, 'harvest');
  assert.match(record?.value.stop_reason ?? '', reason);
  const tweets = await storedTweets(archive.store, 'live');
  assert.ok(tweets.length > 0);
  assert.equal(record?.value.tweets, tweets.length);
  const manifest = (await archive.store.get(collectionKeys('live').harvest(last.value.harvest_id).manifest))?.body.toString() ?? '';
  assert.equal(manifest.trim().split('\n').length, record.value.files.length);
  const state = await readObject(archive.store, collectionKeys('live').state, 'state');
  assert.equal(state?.value.stream?.tweets, tweets.length, 'state counts exactly the stored tweets');
  assert.equal(await archive.store.get(collectionKeys('live').lock), undefined, 'the lock is released');
  await validateArchive(archive.store, 'live');
}

describe('stopping a harvest', TIMEOUT, () => {
  it('SIGTERM ends it gracefully and completely', async () => {
    const { fake, archive, run } = await streamingHarvest();
    try {
      run.child.kill('SIGTERM');
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      await assertCompletelyStopped(archive, /SIGTERM/);
    } finally {
      await fake.stop();
    }
  });

  it('the control API serves counters and stops it, only for the bearer token in lock.json', async () => {
    const { fake, archive, run } = await streamingHarvest();
    try {
      const lock = await readObject(archive.store, collectionKeys('live').lock, 'lock');
      const url = lock?.value.control?.url;
      const token = lock?.value.control?.token;
      assert.ok(url !== undefined && token !== undefined, 'lock.json tells how to reach the control API');
      assert.equal((await fetch(url)).status, 401);
      assert.equal((await fetch(`${url}stop`, { method: 'POST', headers: { authorization: 'Bearer wrong' } })).status, 401);
      const auth = { authorization: `Bearer ${token}` };
      const status = (await (await fetch(url, { headers: auth })).json()) as { harvest_id: string; tweets: number };
      assert.equal(status.harvest_id, lock?.value.harvest_id);
      assert.ok(status.tweets > 0);
      assert.deepEqual(await (await fetch(`${url}is_stopped`, { headers: auth })).json(), { stopped: false });
      assert.equal((await fetch(`${url}stop`, { method: 'POST', headers: auth })).status, 202);
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      await assertCompletelyStopped(archive, /control API/);
    } finally {
      await fake.stop();
    }
  });

  it('a stop request in the archive naming the harvest stops it; one naming another harvest does not', async () => {
    const { fake, archive, run } = await streamingHarvest();
    try {
      const lock = await readObject(archive.store, collectionKeys('live').lock, 'lock');
      assert.ok(lock);
      const request = {
        format: 'twarc-cloud/stop-request@1',
        collection: 'live',
        requested_at: new Date().toISOString(),
        requested_by: 'test',
      } as const;
      await writeObject(archive.store, collectionKeys('live').stopRequest, 'stop-request', { ...request, harvest_id: '20200101T000000Z' });
      await new Promise((resolve) => setTimeout(resolve, 800));
      assert.equal(run.child.exitCode, null, 'a request for another harvest is ignored');
      await writeObject(archive.store, collectionKeys('live').stopRequest, 'stop-request', {
        ...request,
        harvest_id: lock.value.harvest_id,
      });
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      await assertCompletelyStopped(archive, /archive by test/);
      assert.equal(await archive.store.get(collectionKeys('live').stopRequest), undefined, 'the honoured request is removed');
    } finally {
      await fake.stop();
    }
  });
  it('a filter collection is a stream group of one: suspending it (its config rewritten) ends the harvest, and the group record lists it', async () => {
    const { fake, archive, run } = await streamingHarvest([], { TWARC_CLOUD_GROUP_SYNC_MS: '100' });
    try {
      const config = await readObject(archive.store, collectionKeys('live').config, 'collection-config');
      assert.ok(config);
      await writeObject(archive.store, collectionKeys('live').config, 'collection-config', { ...config.value, state: 'suspended' });
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      await assertCompletelyStopped(archive, /no longer an active filter collection/);
      const groupRecords: string[] = [];
      for await (const object of listAll(archive.store, STREAM_GROUPS_PREFIX))
        if (object.key.endsWith('/stream-group.json')) groupRecords.push(object.key);
      assert.equal(groupRecords.length, 1, 'one run of the group');
      const group = await readObject(archive.store, groupRecords[0] ?? '', 'stream-group');
      assert.equal(group?.value.outcome, 'stopped');
      assert.deepEqual(
        group.value.members.map((member) => member.collection),
        ['live'],
      );
    } finally {
      await fake.stop();
    }
  });
});

describe('while a harvest runs on ECS (no inbound connections)', TIMEOUT, () => {
  it('each heartbeat writes what it has stored into lock.json, for status to read', async () => {
    // A stale limit of 1 s puts a heartbeat every 200 ms.
    const { fake, archive, run } = await streamingHarvest(['--stale-after', '1']);
    try {
      let progress;
      while (!progress || progress.files < 2) {
        progress = (await readObject(archive.store, collectionKeys('live').lock, 'lock'))?.value.progress;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(progress.tweets >= progress.files * 100, `${progress.tweets} tweets in ${progress.files} files of 100`);
      assert.ok(progress.bytes > 0);
      run.child.kill('SIGTERM');
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      const last = await readObject(archive.store, collectionKeys('live').lastHarvest, 'last-harvest');
      assert.ok((last?.value.tweets ?? 0) >= progress.tweets, 'the harvest stored at least what the lock last said');
    } finally {
      await fake.stop();
    }
  });
});

describe('one harvest per collection', TIMEOUT, () => {
  it('of two harvesters started at once, exactly one runs; the other exits 75 with a clear message', async () => {
    // A stream runs until stopped, so the two overlap however slowly the second process starts.
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 0 },
      stream: { tweets: 1_000_000, perSecond: 200, keepAliveMs: 100 },
    }).start();
    const archive = await localArchive();
    try {
      await putCollection(archive.store, {
        id: 'twice',
        type: 'filter',
        rules: [{ value: 'twice' }],
        output: { tweets_per_file: 100, rotate_minutes: 30 },
      });
      const args = ['twice', '--archive', archive.location, '--api-base-url', fake.baseUrl];
      const runs = [startHarvest(args, archive.env), startHarvest(args, archive.env)];
      const loser = await Promise.race(runs.map((run, index) => run.done.then((result) => ({ ...result, index }))));
      assert.equal(loser.code, 75, loser.stderr);
      assert.match(loser.stderr, /being harvested already/);
      assert.doesNotMatch(loser.stderr, /internal error|\n\s+at /);
      const winner = runs[1 - loser.index];
      assert.ok(winner);
      await winner.waitForLog(/tweet file stored/);
      winner.child.kill('SIGTERM');
      const won = await winner.done;
      assert.equal(won.code, 0, won.stderr);
      const tweets = await storedTweets(archive.store, 'twice');
      assert.ok(tweets.length >= 100);
      assert.equal(new Set(tweets.map((t) => t.id)).size, tweets.length, 'one harvest stored them, once');
    } finally {
      await fake.stop();
    }
  });

  it("takes over a stale lock, records the takeover, and closes the dead harvest's record", async () => {
    const fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 2, tweetsPerUser: () => 20 } }).start();
    const archive = await localArchive();
    try {
      const users = Object.fromEntries(fake.corpus.users.map((u) => [u.id, { screen_name: u.username }]));
      await putCollection(archive.store, { id: 'stale', type: 'user_timeline', users, delete_users_for: [] });
      const old = new Date(Date.now() - 3_600_000);
      const deadHarvest = harvestId(old);
      await writeObject(archive.store, collectionKeys('stale').lock, 'lock', {
        format: 'twarc-cloud/lock@1',
        collection: 'stale',
        harvest_id: deadHarvest,
        holder: { host: 'a-task-that-died', pid: 7, task: 'arn:aws:ecs:us-east-1:123456789012:task/x/abc' },
        acquired_at: old.toISOString(),
        heartbeat_at: old.toISOString(),
      });
      await archive.store.put(
        `${collectionKeys('stale').harvest(deadHarvest).prefix}tweets-${deadHarvest}-0001.jsonl.gz`,
        Buffer.from([0x1f, 0x8b]),
      );
      const run = startHarvest(
        ['stale', '--archive', archive.location, '--api-base-url', fake.baseUrl, '--stale-after', '600'],
        archive.env,
      );
      const result = await run.done;
      assert.equal(result.code, 0, result.stderr);
      const last = await readObject(archive.store, collectionKeys('stale').lastHarvest, 'last-harvest');
      const record = await readObject(archive.store, collectionKeys('stale').harvest(last?.value.harvest_id ?? '').summary, 'harvest');
      assert.equal(record?.value.took_over?.harvest_id, deadHarvest);
      const dead = await readObject(archive.store, collectionKeys('stale').harvest(deadHarvest).summary, 'harvest');
      assert.equal(dead?.value.outcome, 'failed');
      assert.equal(dead.value.files.length, 1);
      assert.match(dead.value.stop_reason ?? '', /interrupted/);
    } finally {
      await fake.stop();
    }
  });

  it('does not take over a fresh lock held by a live process elsewhere', async () => {
    const archive = await localArchive();
    const fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER] }).start();
    try {
      await putCollection(archive.store, { id: 'held', type: 'search', query: 'x', archive: false });
      const now = new Date().toISOString();
      await writeObject(archive.store, collectionKeys('held').lock, 'lock', {
        format: 'twarc-cloud/lock@1',
        collection: 'held',
        harvest_id: harvestId(new Date()),
        holder: { host: `${hostname()}-elsewhere`, pid: 1 },
        acquired_at: now,
        heartbeat_at: now,
      });
      const result = await startHarvest(['held', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env).done;
      assert.equal(result.code, 75);
      assert.equal(fake.requests.length, 0, 'nothing is asked of the API without the lock');
    } finally {
      await fake.stop();
    }
  });
});
