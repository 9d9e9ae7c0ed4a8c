/*
 * A harvest whose finalize fails (the archive stops answering as it stops) still ends its process,
 * with a message rather than a bug report, and leaves the archive so that the next harvest takes
 * its lock over, closes its folder, and carries on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { listAll } from '../../platform/archive/store.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { AwsFaultProxy } from '../helpers/aws-fault-proxy.js';
import { s3Archive, putCollection, SECRET_BEARER, startMoto, storedTweets } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';
import type { Moto } from '../helpers/moto.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto.stop();
});

/** A stream into an archive on moto reached through a proxy that can make S3 fail, and a filter collection to harvest. */
async function streamOnFaultyS3(
  id: string,
  perSecond: number,
  tweetsPerFile: number,
): Promise<{
  fake: FakeXApi;
  proxy: AwsFaultProxy;
  archive: Awaited<ReturnType<typeof s3Archive>>;
  env: NodeJS.ProcessEnv;
  close: () => Promise<void>;
}> {
  const fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 3, tweetsPerUser: () => 0 },
    stream: { tweets: 1_000_000, perSecond, keepAliveMs: 100 },
  }).start();
  const proxy = new AwsFaultProxy(moto.endpoint);
  const endpoint = await proxy.start();
  const archive = await s3Archive(moto);
  await putCollection(archive.store, {
    id,
    type: 'filter',
    rules: [{ value: 'climate' }],
    output: { tweets_per_file: tweetsPerFile, rotate_minutes: 30 },
  });
  const env = { ...archive.env, AWS_ENDPOINT_URL_S3: endpoint, AWS_MAX_ATTEMPTS: '2' };
  const close = async (): Promise<void> => {
    await archive.close();
    await proxy.stop();
    await fake.stop();
  };
  return { fake, proxy, archive, env, close };
}

describe('a harvest whose finalize fails', { timeout: 120_000 }, () => {
  it('exits within seconds with a message, and the next harvest closes its folder and carries on', async () => {
    const { fake, proxy, archive, env, close } = await streamOnFaultyS3('outage', 300, 50);
    try {
      const first = startHarvest(['outage', '--archive', archive.location, '--api-base-url', fake.baseUrl], env);
      await first.waitForLog(/tweet file stored/);
      // S3 fails from now on, and the harvest is asked to stop: its finalize cannot store anything.
      proxy.faults.push({
        service: 's3',
        status: 500,
        code: 'InternalError',
        message: 'We encountered an internal error.',
        times: Infinity,
      });
      const stoppedAt = Date.now();
      first.child.kill('SIGTERM');
      const ended = await Promise.race([first.done, new Promise<undefined>((resolve) => setTimeout(resolve, 60_000, undefined))]);
      assert.ok(ended, `the harvester did not exit within 60 s of its failed finalize:\n${first.stderr()}`);
      assert.ok(Date.now() - stoppedAt < 30_000, 'it exits within seconds');
      assert.equal(ended.code, 1, ended.stderr);
      assert.doesNotMatch(ended.stderr, /internal error|This is a bug/);
      assert.match(ended.stderr, /S3 .*(failed|refused|cannot)/i);
      const firstHarvest = (await readObject(archive.store, collectionKeys('outage').lock, 'lock'))?.value.harvest_id;
      assert.ok(firstHarvest, 'its lock is left for the next harvest to take over');

      proxy.faults.length = 0;
      const second = startHarvest(['outage', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env);
      await second.waitForLog(/closed the record of an interrupted harvest/);
      await second.waitForLog(/tweet file stored/);
      second.child.kill('SIGTERM');
      const secondEnded = await second.done;
      assert.equal(secondEnded.code, 0, secondEnded.stderr);
      const closed = await readObject(archive.store, collectionKeys('outage').harvest(firstHarvest).summary, 'harvest');
      assert.equal(closed?.value.outcome, 'failed', "the failed harvest's folder is closed");
      assert.ok(closed.value.files.length > 0, 'with the files it had stored');
      const keys: string[] = [];
      for await (const object of listAll(archive.store, collectionKeys('outage').harvest(firstHarvest).prefix)) keys.push(object.key);
      assert.ok(keys.some((key) => key.endsWith('manifest-sha1.txt')));
      assert.equal(await archive.store.get(collectionKeys('outage').lock), undefined);
      assert.ok((await storedTweets(archive.store, 'outage')).length > 0);
    } finally {
      await close();
    }
  });

  it('a stream whose archive keeps failing mid-harvest (S3 SlowDown beyond its retries) ends naming S3, not as a bug', async () => {
    const { fake, proxy, archive, env, close } = await streamOnFaultyS3('slowdown', 2000, 20);
    try {
      const harvest = startHarvest(['slowdown', '--archive', archive.location, '--api-base-url', fake.baseUrl], env);
      await harvest.waitForLog(/tweet file stored/);
      proxy.faults.push({ service: 's3', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.', times: Infinity });
      const ended = await harvest.done;
      assert.equal(ended.code, 1, ended.stderr);
      assert.doesNotMatch(ended.stderr, /internal error|This is a bug/);
      assert.match(ended.stderr, /twarc-cloud: error: storing stream messages failed: S3 failed .*\(SlowDown\)/);
      assert.match(ended.stderr, /\n {2}hint: /);
      // Until the command's closing error, its standard error is the JSON-lines log, whatever S3 said.
      const log = ended.stderr.slice(0, ended.stderr.indexOf('twarc-cloud: error:'));
      assert.deepEqual(
        log.split('\n').filter((line) => line !== '' && !line.startsWith('{')),
        [],
      );
    } finally {
      await close();
    }
  });
});
