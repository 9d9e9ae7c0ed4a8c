import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EcsServices } from '../../../targets/aws/ecs-services.js';
import { motoDefaultNetwork, motoHarvesterCluster, startMoto, type Moto } from '../../helpers/moto.js';
import { FakeServices } from './ecs-fake.js';
import { servicesContract } from './services.contract.js';

let moto: Moto;
let client: ECSClient;
let network: { subnets: string[]; securityGroups: string[] };
before(async () => {
  moto = await startMoto();
  client = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await motoHarvesterCluster(client, 'twarc-cloud', 'twarc-cloud-harvester');
  network = await motoDefaultNetwork(moto.endpoint);
});
after(async () => {
  client.destroy();
  await moto.stop();
});

servicesContract('ECS on moto_server', () =>
  Promise.resolve({ port: new EcsServices(client), cluster: 'twarc-cloud', base: 'twarc-cloud-harvester', network }),
);
servicesContract('in-memory fake', () =>
  Promise.resolve({
    port: new FakeServices(),
    cluster: 'twarc-cloud',
    base: 'twarc-cloud-harvester',
    network: { subnets: ['subnet-1'], securityGroups: ['sg-1'] },
  }),
);

describe('the ECS fake refuses what ECS refuses, where moto does not', () => {
  const base = {
    family: 'x',
    base: 'twarc-cloud-harvester',
    containerName: 'harvester',
    command: ['harvest', 'x'],
    stopTimeout: 120,
    tags: {},
  };
  const spec = (arn: string) => ({
    name: 'svc',
    cluster: 'c',
    taskDefinitionArn: arn,
    subnets: [],
    securityGroups: [],
    assignPublicIp: false,
    tags: {},
  });

  it('a Fargate stopTimeout over 120 s', async () => {
    await assert.rejects(new FakeServices().registerTaskDefinition({ ...base, stopTimeout: 121 }), /up to 120 seconds/);
  });

  it('deleting a service still scaled above zero', async () => {
    const fake = new FakeServices();
    await fake.createService(spec(await fake.registerTaskDefinition(base)));
    await assert.rejects(fake.deleteService('c', 'svc'), /scaled above 0/);
  });

  it('a draining service: hidden from the list, its name not reusable until its task stops', async () => {
    const fake = new FakeServices();
    const arn = await fake.registerTaskDefinition(base);
    await fake.createService(spec(arn));
    const service = fake.services.get('svc');
    assert.ok(service);
    service.desiredCount = 0; // scaled down, but the task is still stopping
    await fake.deleteService('c', 'svc');
    assert.deepEqual(await fake.listServices(), []);
    assert.equal((await fake.describeService('c', 'svc'))?.status, 'DRAINING');
    await assert.rejects(fake.createService(spec(arn)), /still Draining/);
  });
});
