import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RunTaskTarget, SchedulesPort } from '../../../targets/aws/schedules-port.js';

export const SAMPLE_TARGET: RunTaskTarget = {
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/twarc-cloud',
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/twarc-cloud-harvester:1',
  roleArn: 'arn:aws:iam::123456789012:role/twarc-cloud-events',
  subnets: ['subnet-0123456789abcdef0'],
  securityGroups: ['sg-0123456789abcdef0'],
  assignPublicIp: true,
  containerName: 'harvester',
  command: ['harvest', 'climate'],
};

/** The schedules port's behaviour, which the SDK adapter on moto_server and the in-memory fake share. */
export function schedulesContract(name: string, make: () => SchedulesPort): void {
  describe(`schedules port: ${name}`, () => {
    const unique = (): string => `t${randomUUID().slice(0, 8)}`;

    it('creates a rule with its tags, and lists it by prefix', async () => {
      const port = make();
      const prefix = unique();
      await port.putRule(
        { name: `${prefix}-a`, expression: 'rate(1 hour)', enabled: true, description: 'twarc-cloud: a' },
        { owner: 'test' },
      );
      await port.putTarget(`${prefix}-a`, SAMPLE_TARGET);
      assert.deepEqual(await port.listRules(`${prefix}-`), [
        { name: `${prefix}-a`, expression: 'rate(1 hour)', enabled: true, description: 'twarc-cloud: a' },
      ]);
      assert.deepEqual(await port.tagsOf(`${prefix}-a`), { owner: 'test' });
      assert.deepEqual(await port.listRules(`${unique()}-`), []);
    });

    it('updates a rule in place: new expression, disabled, its tags as they were', async () => {
      const port = make();
      const rule = `${unique()}-b`;
      await port.putRule({ name: rule, expression: 'rate(1 hour)', enabled: true, description: 'd' }, { owner: 'test' });
      await port.putRule({ name: rule, expression: 'cron(0 6 * * ? *)', enabled: false, description: 'd' }, { owner: 'test' });
      const [listed] = await port.listRules(rule);
      assert.equal(listed?.expression, 'cron(0 6 * * ? *)');
      assert.equal(listed.enabled, false);
      assert.deepEqual(await port.tagsOf(rule), { owner: 'test' });
    });

    it('tags an existing rule, keeping its other tags', async () => {
      const port = make();
      const rule = `${unique()}-t`;
      await port.putRule({ name: rule, expression: 'rate(1 hour)', enabled: true, description: 'd' }, {});
      await port.tagRule(rule, { owner: 'test' });
      await port.tagRule(rule, { team: 'x' });
      assert.deepEqual(await port.tagsOf(rule), { owner: 'test', team: 'x' });
    });

    it('deletes a rule that has a target, and deleting a missing rule is no error', async () => {
      const port = make();
      const rule = `${unique()}-c`;
      await port.putRule({ name: rule, expression: 'rate(5 minutes)', enabled: true, description: 'd' }, {});
      await port.putTarget(rule, SAMPLE_TARGET);
      await port.deleteRule(rule);
      assert.deepEqual(await port.listRules(rule), []);
      await port.deleteRule(rule);
    });

    it('lists more than one page of rules', async () => {
      const port = make();
      const prefix = unique();
      for (let i = 0; i < 105; i += 1)
        await port.putRule(
          { name: `${prefix}-${String(i).padStart(3, '0')}`, expression: 'rate(1 day)', enabled: true, description: 'd' },
          {},
        );
      assert.equal((await port.listRules(`${prefix}-`)).length, 105);
    });
  });
}
