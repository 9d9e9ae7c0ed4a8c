import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { AwsTarget } from '../../targets/aws/aws-target.js';
import { EcsServices } from '../../targets/aws/ecs-services.js';
import { EventBridgeSchedules } from '../../targets/aws/eventbridge-schedules.js';
import { LocalTarget } from '../../targets/local/local-target.js';
import { motoHarvesterCluster, putMotoDeployment, startMoto, type Moto } from '../helpers/moto.js';
import { targetContract } from './target.contract.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto.stop();
});

targetContract('LocalTarget on a directory', async () => {
  const store = new LocalArchiveStore(await mkdtemp(join(tmpdir(), 'twarc-cloud-target-')));
  return {
    target: new LocalTarget(store, { actor: 'contract', stopWaitMs: 10_000, report: () => undefined }),
    close: () => Promise.resolve(),
  };
});

async function awsFixture(): Promise<{ target: AwsTarget; close: () => Promise<void> }> {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials };
  const deployment = `contract${randomUUID().slice(0, 6)}`;
  const s3 = createS3Client({ ...config, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: `${deployment}-archive` }));
  const store = new S3ArchiveStore(s3, { bucket: `${deployment}-archive`, prefix: '' });
  const events = new EventBridgeClient(config);
  const ecs = new ECSClient(config);
  const cluster = await motoHarvesterCluster(ecs, deployment, `${deployment}-harvester`);
  const document = await putMotoDeployment(store, moto, { name: deployment, cluster, taskDefinition: `${deployment}-harvester` });
  const target = new AwsTarget(store, document, new EventBridgeSchedules(events), new EcsServices(ecs), {
    actor: 'contract',
    stopWaitMs: 10_000,
    report: () => undefined,
    pollMs: 50,
  });
  return {
    target,
    close: () => {
      s3.destroy();
      events.destroy();
      ecs.destroy();
      return Promise.resolve();
    },
  };
}

targetContract('AwsTarget on moto_server (S3, EventBridge, ECS; one stream group service per credentials profile)', awsFixture);
