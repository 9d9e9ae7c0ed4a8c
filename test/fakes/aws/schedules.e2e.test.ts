import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeSchedules } from '../../../targets/aws/eventbridge-schedules.js';
import { startMoto, type Moto } from '../../helpers/moto.js';
import { FakeSchedules } from './eventbridge-fake.js';
import { SAMPLE_TARGET, schedulesContract } from './schedules.contract.js';

let moto: Moto;
let client: EventBridgeClient;
before(async () => {
  moto = await startMoto();
  client = new EventBridgeClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});
after(async () => {
  client.destroy();
  await moto.stop();
});

schedulesContract('EventBridge on moto_server', () => new EventBridgeSchedules(client));
schedulesContract('in-memory fake', () => new FakeSchedules());

describe('the EventBridge fake refuses what EventBridge refuses, where moto does not', () => {
  it('rule names longer than 64 characters or with other characters', async () => {
    const fake = new FakeSchedules();
    await assert.rejects(
      fake.putRule({ name: 'x'.repeat(65), expression: 'rate(1 hour)', enabled: true, description: '' }, {}),
      /ValidationException/,
    );
    await assert.rejects(
      fake.putRule({ name: 'a/b', expression: 'rate(1 hour)', enabled: true, description: '' }, {}),
      /ValidationException/,
    );
  });

  it('rate expressions with the wrong unit number (moto takes rate(1 minutes))', async () => {
    const fake = new FakeSchedules();
    await assert.rejects(
      fake.putRule({ name: 'a', expression: 'rate(1 minutes)', enabled: true, description: '' }, {}),
      /ScheduleExpression is not valid/,
    );
    await assert.rejects(
      fake.putRule({ name: 'a', expression: 'rate(5 minute)', enabled: true, description: '' }, {}),
      /ScheduleExpression is not valid/,
    );
  });

  it('DeleteRule while the rule still has targets', async () => {
    const fake = new FakeSchedules();
    await fake.putRule({ name: 'a', expression: 'rate(1 hour)', enabled: true, description: '' }, {});
    await fake.putTarget('a', SAMPLE_TARGET);
    await assert.rejects(fake.deleteRuleOnly('a'), /has targets/);
  });
});
