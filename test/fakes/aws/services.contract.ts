import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ServicesPort } from '../../../targets/aws/services-port.js';

export interface ServicesFixture {
  readonly port: ServicesPort;
  readonly cluster: string;
  readonly base: string;
  readonly network: { readonly subnets: readonly string[]; readonly securityGroups: readonly string[] };
}

/** The services port's behaviour, shared by the SDK adapter on moto_server and the in-memory fake. */
export function servicesContract(name: string, make: () => Promise<ServicesFixture>): void {
  describe(`services port: ${name}`, () => {
    const task = (family: string, base: string) => ({
      family,
      base,
      containerName: 'harvester',
      command: ['harvest', 'live'],
      stopTimeout: 120,
      tags: { 'twarc-cloud:deployment': 'test' },
    });
    const spec = (fixture: ServicesFixture, svc: string, arn: string) => ({
      name: svc,
      cluster: fixture.cluster,
      taskDefinitionArn: arn,
      ...fixture.network,
      assignPublicIp: true,
      tags: { 'twarc-cloud:deployment': 'test' },
    });

    it("registers revisions of a collection's task definition from the base, each a new ARN", async () => {
      const { port, base } = await make();
      const family = `f${randomUUID().slice(0, 8)}`;
      const first = await port.registerTaskDefinition(task(family, base));
      const second = await port.registerTaskDefinition(task(family, base));
      assert.match(first, new RegExp(`task-definition/${family}:1$`));
      assert.match(second, new RegExp(`task-definition/${family}:2$`));
    });

    it('creates a service of one task, lists and describes it, rolls it to a new revision', async () => {
      const fixture = await make();
      const { port, cluster, base } = fixture;
      const svc = `s${randomUUID().slice(0, 8)}`;
      const first = await port.registerTaskDefinition(task(svc, base));
      await port.createService(spec(fixture, svc, first));
      assert.deepEqual(
        (await port.listServices(cluster)).find((listed) => listed.name === svc)?.tags,
        { 'twarc-cloud:deployment': 'test' },
        'listed with its tags',
      );
      const described = await port.describeService(cluster, svc);
      assert.equal(described?.desiredCount, 1);
      assert.equal(described.taskDefinitionArn, first);
      const next = await port.registerTaskDefinition(task(svc, base));
      await port.updateService(cluster, svc, { taskDefinitionArn: next });
      assert.equal((await port.describeService(cluster, svc))?.taskDefinitionArn, next);
    });

    it('runs one task of the base task definition with a command of its own, and returns its ARN', async () => {
      const fixture = await make();
      const arn = await fixture.port.runTask({
        cluster: fixture.cluster,
        taskDefinitionArn: fixture.base,
        ...fixture.network,
        assignPublicIp: true,
        containerName: 'harvester',
        command: ['harvest', 'climate'],
      });
      // AWS gives 32 hex digits; moto a UUID with hyphens.
      assert.match(arn, /^arn:aws:ecs:[a-z0-9-]+:\d{12}:task\/[^/]+\/[0-9a-f-]+$/);
    });

    it('deletes a service once scaled to zero; it is then no longer active, nor listed', async () => {
      const fixture = await make();
      const { port, cluster, base } = fixture;
      const svc = `s${randomUUID().slice(0, 8)}`;
      await port.createService(spec(fixture, svc, await port.registerTaskDefinition(task(svc, base))));
      await port.updateService(cluster, svc, { desiredCount: 0 });
      await port.deleteService(cluster, svc);
      assert.notEqual((await port.describeService(cluster, svc))?.status ?? 'gone', 'ACTIVE');
      assert.ok(!(await port.listServices(cluster)).some((listed) => listed.name === svc), 'ECS no longer lists a deleted service');
    });
  });
}
