/*
 * The AWS target against the in-memory EventBridge and ECS fakes, which keep the rules moto does
 * not (targets removed before a rule is deleted, a service deleted only at zero, draining hidden),
 * with the archive on moto and a real `harvest-group` process standing in for the stream group's task.
 */

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollUntil } from '../../platform/async.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { applyPlan } from '../../reconciler/apply/apply.js';
import { reconcile } from '../../reconciler/reconcile.js';
import { loadSettings } from '../../reconciler/settings/settings.js';
import { AwsTarget } from '../../targets/aws/aws-target.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { FakeServices } from '../fakes/aws/ecs-fake.js';
import { FakeSchedules } from '../fakes/aws/eventbridge-fake.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { tempProject } from '../helpers/temp-project.js';
import { s3Archive, SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { EVERY_TARGETS_NAME_RULES } from '../../targets/targets.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto.stop();
});

describe('the AWS target against the strict fakes, with a real harvester', { timeout: 90_000 }, () => {
  it("starts a profile's stream group, rolls it onto a new release, stops it gracefully with its last member, and starts it again once it has drained; deletes a schedule; every AWS rule respected", async () => {
    const archive = await s3Archive(moto);
    const { store } = archive;
    const bucket = archive.location.slice('s3://'.length);
    const schedules = new FakeSchedules();
    const services = new FakeServices();
    const deployment = {
      format: 'twarc-cloud/deployment@1',
      deployment: 'fakes',
      cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/fakes',
      subnets: ['subnet-1'],
      security_groups: ['sg-1'],
      task_definition: 'twarc-cloud-harvester',
      container_name: 'harvester',
      events_role_arn: 'arn:aws:iam::123456789012:role/events',
    } as const;
    const reports: string[] = [];
    /** The target as apply opens it, with the deployment's base task definition (a new one is a new harvester release). */
    const awsTarget = (taskDefinition: string): AwsTarget =>
      new AwsTarget(
        store,
        {
          ...deployment,
          task_definition: taskDefinition,
          subnets: [...deployment.subnets],
          security_groups: [...deployment.security_groups],
        },
        schedules,
        services,
        { actor: 'test', stopWaitMs: 20_000, report: (line) => reports.push(line), pollMs: 50 },
      );
    const target = awsTarget(deployment.task_definition);
    const root = tempProject({
      'twarc-cloud.yaml': `deployment: fakes\ntarget: aws\naws:\n  bucket: ${bucket}\n  region: us-east-1\n`,
      'collections/stream.yaml': 'id: stream\ntype: filter\nrules:\n  - value: climate\noutput:\n  tweets_per_file: 50\n',
      'collections/search.yaml': 'id: search\ntype: search\nquery: climate\nschedule: rate(1 hour)\n',
    });
    const { settings } = loadSettings(root, root);
    const planAll = (): ReturnType<typeof reconcile> =>
      reconcile(settings, { target, nameRules: EVERY_TARGETS_NAME_RULES, allowMassStop: false, refresh: true, env: {} });
    const applyAll = async (): Promise<void> => {
      const result = await planAll();
      await applyPlan(result.plan, result.index, { target, provenance: { actor: 'test' }, report: (l) => reports.push(l) });
    };
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 0 },
      stream: { tweets: 1_000_000, perSecond: 300, keepAliveMs: 100 },
    }).start();
    const service = 'fakes_stream_default';
    try {
      await applyAll();
      assert.deepEqual([...schedules.rules.keys()], ['fakes_search']);
      const created = services.services.get(service);
      assert.ok(created, "the profile's stream group service exists");
      const firstArn = created.taskDefinitionArn;
      const firstTask = services.taskDefinitions.get(firstArn);
      assert.deepEqual(firstTask?.command.slice(0, 2), ['harvest-group', 'default']);
      assert.equal(firstTask.stopTimeout, 120);

      // The group's task: a real harvester on loopback, reaching the archive on moto.
      const group = startHarvest(
        ['default', '--archive', archive.location, '--api-base-url', fake.baseUrl],
        {
          ...archive.env,
          TWARC_CLOUD_GROUP_SYNC_MS: '200',
        },
        'harvest-group',
      );
      await group.waitForLog(/tweet file stored/);
      const firstHarvest = (await readObject(store, collectionKeys('stream').lock, 'lock'))?.value.harvest_id;
      assert.ok(firstHarvest, "the member's harvest holds its lock");

      writeFileSync(join(root, 'collections', 'stream.yaml'), 'id: stream\ntype: filter\nrules:\n  - value: weather\n');
      await applyAll();
      // The edit rolls the member's harvest over; the removal below must find the new one running, not the gap between the two.
      const rolledOver = await pollUntil(
        async () => {
          const holder = (await readObject(store, collectionKeys('stream').lock, 'lock'))?.value.harvest_id;
          return holder !== undefined && holder !== firstHarvest ? holder : undefined;
        },
        { intervalMs: 50, timeoutMs: 30_000 },
      );
      assert.ok(rolledOver, "the edit rolled the member's harvest over to a new one");
      assert.equal(
        services.services.get(service)?.taskDefinitionArn,
        firstArn,
        "a rules edit is the group's to follow: no new revision, no restart",
      );

      // A new harvester release (terraform changed the base task definition) rolls the group.
      services.bases.add('twarc-cloud-harvester-v2');
      const upgraded = awsTarget('twarc-cloud-harvester-v2');
      const release = await reconcile(settings, { target: upgraded, nameRules: EVERY_TARGETS_NAME_RULES, allowMassStop: false, env: {} });
      // The schedule's target is put again, naming the new revision: the old one may be deregistered.
      assert.deepEqual(
        release.plan.actions.map((a) => [a.id, a.steps.map((st) => st.kind)]),
        [
          ['search', ['put-schedule']],
          ['stream', []],
        ],
      );
      assert.deepEqual(release.plan.streamGroups, [{ kind: 'roll-stream-group', group: 'default', members: ['stream'] }]);
      await applyPlan(release.plan, release.index, { target: upgraded, provenance: { actor: 'test' }, report: (l) => reports.push(l) });
      assert.equal([...(schedules.rules.get('fakes_search')?.targets.values() ?? [])][0]?.taskDefinitionArn, 'twarc-cloud-harvester-v2');
      const rolledTask = services.taskDefinitions.get(services.services.get(service)?.taskDefinitionArn ?? '');
      assert.equal(rolledTask?.base, 'twarc-cloud-harvester-v2');

      rmSync(join(root, 'collections', 'stream.yaml'));
      rmSync(join(root, 'collections', 'search.yaml'));
      // The group's task keeps running until ECS stops it: here, until the scale-down's wait sees it gone.
      services.slowDrain = true;
      await applyAll();
      const ended = await group.done;
      assert.equal(ended.code, 0, ended.stderr);
      assert.ok(
        // Through the group's control API, or, while the member's harvest rolls over, the stop request in the archive.
        reports.some((r) => /stream: running harvest stopped \((control-api|stop-request)\)/.test(r)),
        reports.join('\n'),
      );
      assert.equal(services.services.get(service)?.status, 'DRAINING', 'scaled to zero, then deleted: draining');
      assert.equal(schedules.rules.size, 0, 'targets removed, then the rule');
      assert.ok(schedules.calls.indexOf('RemoveTargets') < schedules.calls.lastIndexOf('DeleteRule'));

      // Put back at once: the old group service is still draining, and ECS will not reuse its name before.
      writeFileSync(join(root, 'collections', 'stream.yaml'), 'id: stream\ntype: filter\nrules:\n  - value: climate\n');
      const readd = await planAll();
      setTimeout(() => {
        services.finishDraining();
      }, 300);
      await applyPlan(readd.plan, readd.index, { target, provenance: { actor: 'test' }, report: (l) => reports.push(l) });
      assert.equal(services.services.get(service)?.status, 'ACTIVE', 'created once the old one had drained');

      const last = await readObject(store, collectionKeys('stream').lastHarvest, 'last-harvest');
      assert.equal(last?.value.outcome, 'stopped');
      assert.equal(await store.get(collectionKeys('stream').lock), undefined);
      assert.equal((await readObject(store, collectionKeys('search').config, 'collection-config'))?.value.state, 'removed');
    } finally {
      await fake.stop();
      await archive.close();
    }
  });
});
