import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateServiceCommand, DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { putCollection, s3Archive, SECRET_BEARER, startMoto, storedTweets, validateArchive } from '../helpers/archive-fixtures.js';
import { motoDefaultNetwork, motoHarvesterCluster, type Moto } from '../helpers/moto.js';

let moto: Moto;
let ecs: ECSClient;
before(async () => {
  moto = await startMoto();
  ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
after(async () => {
  ecs.destroy();
  await moto.stop();
});

/** A cluster of the deployment with `service` running one task of the base task definition, as the reconciler makes it. */
async function serviceOfOneTask(deployment: string, baseTaskDefinition: string, service: string): Promise<string> {
  const cluster = await motoHarvesterCluster(ecs, deployment, baseTaskDefinition);
  const network = await motoDefaultNetwork(moto.endpoint);
  await ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: service,
      taskDefinition: baseTaskDefinition,
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: network.subnets, securityGroups: network.securityGroups } },
    }),
  );
  return cluster;
}

const desiredCount = async (cluster: string, service: string): Promise<number | undefined> =>
  (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services?.[0]?.desiredCount;

/*
 * A filter collection harvested by itself (a stream group of one) stops at its max_records, and a
 * harvest started again on a complete collection writes nothing: no empty harvest, no lock, no
 * last_harvest.json saying 0 tweets.
 */
describe('a filter collection with max_records, harvested by itself', { timeout: 90_000 }, () => {
  it('stores exactly max_records, and a harvest started again on the complete collection exits 0 without writing', async () => {
    const archive = await s3Archive(moto);
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 2, tweetsPerUser: () => 0 },
      stream: { tweets: 1000 },
    }).start();
    try {
      await putCollection(archive.store, { id: 'live', type: 'filter', rules: [{ value: 'climate' }], max_records: 100 });
      const args = ['live', '--archive', archive.location, '--api-base-url', fake.baseUrl];
      const first = await startHarvest(args, archive.env).done;
      assert.equal(first.code, 0, first.stderr);
      assert.equal((await storedTweets(archive.store, 'live')).length, 100);
      const last = await readObject(archive.store, collectionKeys('live').lastHarvest, 'last-harvest');
      assert.deepEqual([last?.value.outcome, last?.value.tweets], ['completed', 100]);
      const objects = await archive.store.list(collectionKeys('live').prefix);
      const again = await startHarvest(args, archive.env).done;
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /the collection is complete and nothing is harvested/);
      assert.deepEqual(await archive.store.list(collectionKeys('live').prefix), objects, 'no harvest, no lock, no new last_harvest.json');
      await validateArchive(archive.store, 'live');
    } finally {
      await fake.stop();
      await archive.close();
    }
  });
});

/*
 * A stream group on AWS is the one task of its profile's ECS service. Once every member has stored
 * its max_records, the group ends its service; until it has members (its service starts before
 * apply writes them), it waits for them instead of ending and being started again.
 */
describe('a stream group run as an ECS service', { timeout: 120_000 }, () => {
  it('waits for members, ends its service once every member is complete, and a relaunch writes nothing and ends it again', async () => {
    const service = 'groups_stream_default';
    const cluster = await serviceOfOneTask('groups', 'groups-harvester', service);
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 2, tweetsPerUser: () => 0 },
      stream: { tweets: 10_000, perSecond: 2000, keepAliveMs: 100 },
    }).start();
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: groups\nlocal:\n  archive: ./archive\n' });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const env = {
      ...fakeApiEnv(root, fake.baseUrl, SECRET_BEARER),
      TWARC_CLOUD_GROUP_SYNC_MS: '200',
      AWS_ENDPOINT_URL_ECS: moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    };
    const store = new LocalArchiveStore(join(root, 'archive'));
    const args = ['default', '--archive', join(root, 'archive'), '--ecs-cluster', cluster, '--ecs-service', service];
    const group = startHarvest(args, env, 'harvest-group');
    try {
      await group.waitForLog(/no member collections yet; the group waits for them/);
      assert.equal(group.child.exitCode, null, 'a group without members on a service waits');
      mkdirSync(join(root, 'collections'));
      writeFileSync(join(root, 'collections', 'one.yaml'), 'id: one\ntype: filter\nrules:\n  - value: climate\nmax_records: 100\n');
      writeFileSync(join(root, 'collections', 'two.yaml'), 'id: two\ntype: filter\nrules:\n  - value: weather\nmax_records: 150\n');
      assert.equal((await runCliAsync(['apply', '--yes'], { cwd: root, env })).status, 0);
      await group.waitForLog(/every member collection is complete; the group ended its own service/, 60_000);
      const ended = await group.done;
      assert.equal(ended.code, 0, ended.stderr);
      assert.match(ended.stderr, /every member collection is complete; the group ended its own service/);
      assert.equal((await storedTweets(store, 'one')).length, 100);
      assert.equal((await storedTweets(store, 'two')).length, 150);
      assert.equal(await desiredCount(cluster, service), 0, 'the complete group ended its own service');

      // ECS started it again before the scale-down took (or someone set the count back): nothing is written.
      await ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 1 }));
      const harvests = async (): Promise<unknown> => [
        await store.list(collectionKeys('one').harvestsPrefix),
        await store.list(collectionKeys('two').harvestsPrefix),
      ];
      const before = await harvests();
      const relaunch = await startHarvest(args, env, 'harvest-group').done;
      assert.equal(relaunch.code, 0, relaunch.stderr);
      assert.deepEqual(await harvests(), before, 'no member harvest was opened');
      assert.equal(await desiredCount(cluster, service), 0, 'the relaunch ended the service again');
    } finally {
      if (group.child.exitCode === null) group.child.kill('SIGTERM');
      await fake.stop();
    }
  });
});
