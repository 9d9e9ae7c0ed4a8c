/*
 * Stream groups on the AWS target, against the strict ECS and EventBridge fakes with the archive on
 * moto and real harvester processes standing in for the services' tasks (started with the command
 * of the task definition apply registered): the group runs three collections on one connection, a
 * tweet matching two is stored in both, a rule edit and a removal need no reconnect, and
 * max_records ends only its own collection. A deployment still running a stream service of its own
 * (from before stream groups) is refused with the way to move it.
 */

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { readObject, writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { UserError } from '../../platform/errors.js';
import { ownershipTags } from '../../targets/aws/naming/aws-names.js';
import { tagOwner } from '../../harvester/stream-group/group-rules.js';
import { applyPlan } from '../../reconciler/apply/apply.js';
import { reconcile } from '../../reconciler/reconcile.js';
import { loadSettings } from '../../reconciler/settings/settings.js';
import { AwsTarget } from '../../targets/aws/aws-target.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { FakeServices } from '../fakes/aws/ecs-fake.js';
import { FakeSchedules } from '../fakes/aws/eventbridge-fake.js';
import { putCollection, s3Archive, SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { startHarvest, type HarvestRun } from '../helpers/harvester-process.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';
import { EVERY_TARGETS_NAME_RULES } from '../../targets/targets.js';

let moto: Moto;
before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto.stop();
});

const filter = (id: string, rule: string): string =>
  `id: ${id}\ntype: filter\nrules:\n  - value: ${rule}\noutput:\n  tweets_per_file: 40\n`;

/** The deployment.json terraform would write for `name`, on the fakes. */
function deploymentOf(name: string): ArchiveObjects['deployment'] {
  return {
    format: 'twarc-cloud/deployment@1',
    deployment: name,
    cluster: `arn:aws:ecs:us-east-1:123456789012:cluster/${name}`,
    subnets: ['subnet-1'],
    security_groups: ['sg-1'],
    task_definition: 'twarc-cloud-harvester',
    container_name: 'harvester',
    events_role_arn: 'arn:aws:iam::123456789012:role/events',
  };
}

describe('stream groups on the AWS target, with real harvesters', { timeout: 150_000 }, () => {
  it('streams three collections of one profile on one connection: a shared tweet in both, rule edits and removals without a reconnect, nothing lost', async () => {
    const archive = await s3Archive(moto);
    const { store } = archive;
    const bucket = archive.location.slice('s3://'.length);
    const schedules = new FakeSchedules();
    const services = new FakeServices();
    const deployment = deploymentOf('groups');
    const reports: string[] = [];
    const target = (): AwsTarget =>
      new AwsTarget(store, { ...deployment }, schedules, services, {
        actor: 'test',
        stopWaitMs: 20_000,
        report: (line) => reports.push(line),
        pollMs: 50,
        backfillMinutes: 5,
      });
    const root = tempProject({
      'twarc-cloud.yaml': `deployment: groups\ntarget: aws\nx_api:\n  access_level: enterprise\naws:\n  bucket: ${bucket}\n  region: us-east-1\n`,
      'collections/alpha.yaml': filter('alpha', 'climate'),
      'collections/beta.yaml': filter('beta', 'weather'),
      'collections/gamma.yaml': `${filter('gamma', 'storm')}max_records: 60\n`,
    });
    const plan = async () =>
      reconcile(loadSettings(root, root).settings, {
        target: target(),
        nameRules: EVERY_TARGETS_NAME_RULES,
        allowMassStop: false,
        refresh: true,
        env: {},
      });
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      accessLevel: 'enterprise',
      corpus: { users: 3, tweetsPerUser: () => 0 },
      stream: {
        tweets: 1_000_000,
        perSecond: 200,
        keepAliveMs: 100,
        recordServed: true,
        backfill: true,
        matchWhileAway: true,
        wire: { twoRulesEvery: 4 },
      },
    }).start();
    const taskEnv = {
      ...archive.env,
      HOME: root,
      TWARC_CLOUD_BACKOFF_SCALE: '0.01',
      TWARC_CLOUD_GROUP_SYNC_MS: '300',
      TWARC_CLOUD_STOP_POLL_MS: '200',
    };
    /**
     * Starts what ECS would run for a service: its task definition's command and its collection or
     * profile, with the backfill it asks for; on this machine its control API listens on loopback,
     * and the ECS calls of a task (scaling its own service) are left out, as the fake serves no API.
     */
    const runTask = (serviceName: string): HarvestRun => {
      const command = services.taskDefinitions.get(services.services.get(serviceName)?.taskDefinitionArn ?? '')?.command ?? [];
      const [name, subject] = command;
      assert.ok((name === 'harvest' || name === 'harvest-group') && subject !== undefined, `${serviceName} runs ${command.join(' ')}`);
      const backfill = command.indexOf('--backfill-minutes');
      const extra = backfill === -1 ? [] : command.slice(backfill, backfill + 2);
      return startHarvest([subject, ...extra, '--archive', archive.location, '--api-base-url', fake.baseUrl], taskEnv, name);
    };
    const tasks: HarvestRun[] = [];
    try {
      const start = await plan();
      assert.deepEqual(start.plan.streamGroups, [{ kind: 'start-stream-group', group: 'default', members: ['alpha', 'beta', 'gamma'] }]);
      assert.deepEqual(
        start.plan.actions.map((a) => [a.id, a.kind, a.steps.map((s) => s.kind)]),
        [
          ['alpha', 'create', ['join-stream-group']],
          ['beta', 'create', ['join-stream-group']],
          ['gamma', 'create', ['join-stream-group']],
        ],
      );
      // ECS starts the group's task as soon as its service exists.
      let group: HarvestRun | undefined;
      const watch = setInterval(() => {
        if (!group && services.services.has('groups_stream_default')) {
          group = runTask('groups_stream_default');
          tasks.push(group);
        }
      }, 20);
      await applyPlan(start.plan, start.index, { target: target(), provenance: { actor: 'test' }, report: (l) => reports.push(l) });
      clearInterval(watch);
      assert.ok(group, 'the group service was created');
      assert.deepEqual([...services.services.keys()], ['groups_stream_default'], 'one service for the profile');
      assert.deepEqual(services.taskDefinitions.get(services.services.get('groups_stream_default')?.taskDefinitionArn ?? '')?.command, [
        'harvest-group',
        'default',
        '--control-host',
        '0.0.0.0',
        '--control-port',
        '8080',
        '--backfill-minutes',
        '5',
        '--ecs-cluster',
        deployment.cluster,
        '--ecs-service',
        'groups_stream_default',
      ]);
      for (const id of ['alpha', 'beta']) {
        await until(
          () => `${id} to store tweets in its group`,
          async () =>
            (await readObject(store, collectionKeys(id).lock, 'lock')) !== undefined &&
            (await storedTweets(store, id)).length >= (id === 'alpha' ? 80 : 40),
        );
      }
      await until(
        () => 'gamma to reach its max_records in the group',
        async () => (await readObject(store, collectionKeys('gamma').lastHarvest, 'last-harvest'))?.value.total_tweets === 60,
      );
      const gammaLast = await readObject(store, collectionKeys('gamma').lastHarvest, 'last-harvest');
      assert.equal(gammaLast?.value.outcome, 'completed', 'max_records ended gamma alone');
      const connectionsAtStart = fake.stream.connections;
      assert.equal(connectionsAtStart, 1, 'one connection for three collections');

      writeFileSync(join(root, 'collections', 'beta.yaml'), filter('beta', 'rain'));
      const edit = await plan();
      assert.equal(edit.plan.streamGroups, undefined);
      assert.deepEqual(
        edit.plan.actions.map((a) => [a.id, a.steps]),
        [
          ['beta', [{ kind: 'change-stream-rules', group: 'default', added: ['rain'], removed: ['weather'] }]],
          // gamma, complete, leaves its group in the index too; the group ended its harvest already.
          ['gamma', [{ kind: 'stop-harvests' }, { kind: 'leave-stream-group', group: 'default' }]],
        ],
      );
      await applyPlan(edit.plan, edit.index, { target: target(), provenance: { actor: 'test' }, report: (l) => reports.push(l) });
      const rules = (): string =>
        fake.stream
          .rulesOf(SECRET_BEARER)
          .map((r) => r.value)
          .sort()
          .join();
      await until(
        () => `the group to change beta's rule on X (${rules()})`,
        // gamma, complete, has had its rule deleted.
        () => Promise.resolve(rules() === 'climate,rain'),
      );
      assert.equal(fake.stream.connections, connectionsAtStart, 'the rule changed without a reconnect');
      const shared = fake.stream.servedMatches.find((m) => {
        const owners = new Set(m.rules.map((r) => tagOwner(r.tag)));
        return owners.size === 2 && owners.has('alpha') && owners.has('beta');
      });
      assert.ok(shared, 'X sent a tweet matching rules of alpha and beta');
      const owners = [...new Set(shared.rules.map((r) => tagOwner(r.tag) ?? ''))];
      await until(
        () => `the tweet matching ${owners.join(' and ')} to be stored in both`,
        async () =>
          (await Promise.all(owners.map(async (id) => (await storedTweets(store, id)).some((t) => t.id === shared.id)))).every(Boolean),
      );

      rmSync(join(root, 'collections', 'beta.yaml'));
      const removal = await plan();
      assert.equal(removal.plan.streamGroups, undefined, 'the group runs on for alpha');
      assert.deepEqual(
        removal.plan.actions.map((a) => [a.id, a.kind, a.steps.map((st) => st.kind)]),
        [['beta', 'remove', ['stop-harvests', 'leave-stream-group']]],
      );
      await applyPlan(removal.plan, removal.index, { target: target(), provenance: { actor: 'test' }, report: (l) => reports.push(l) });
      assert.equal((await readObject(store, collectionKeys('beta').lastHarvest, 'last-harvest'))?.value.outcome, 'stopped');
      assert.equal(await store.get(collectionKeys('beta').lock), undefined, "beta's harvest finished");
      const alphaNow = (await storedTweets(store, 'alpha')).length;
      await until(
        () => 'alpha to keep streaming after beta left',
        async () => (await storedTweets(store, 'alpha')).length >= alphaNow + 40,
      );
      assert.equal(fake.stream.connections, connectionsAtStart, 'a removal changes nothing of the connection');

      // Nothing lost: every tweet X matched for alpha is in alpha.
      fake.stream.plan = { ...fake.stream.plan, tweets: fake.stream.delivered };
      const sentForAlpha = new Set(
        fake.stream.servedMatches.filter((m) => m.rules.some((r) => tagOwner(r.tag) === 'alpha')).map((m) => m.id),
      );
      // Once X sends nothing more, the group has read everything when alpha's running harvest stops counting.
      let counts: number[] = [];
      await until(
        () => `alpha's harvest to stop counting (${counts.join(', ')})`,
        async () => {
          const control = (await readObject(store, collectionKeys('alpha').lock, 'lock'))?.value.control;
          if (control?.url === undefined) return false;
          const live = (await (await fetch(control.url, { headers: { authorization: `Bearer ${control.token}` } })).json()) as {
            tweets: number;
          };
          counts = [...counts.slice(-4), live.tweets];
          return counts.length === 5 && counts.every((count) => count === live.tweets);
        },
      );
      group.child.kill('SIGTERM');
      assert.equal((await group.done).code, 0);
      const stored = new Set((await storedTweets(store, 'alpha')).map((t) => t.id));
      assert.deepEqual(
        [...sentForAlpha].filter((id) => !stored.has(id)),
        [],
        'no tweet of alpha was lost',
      );
    } finally {
      for (const task of tasks) if (task.child.exitCode === null) task.child.kill('SIGKILL');
      await fake.stop();
      await archive.close();
    }
  });

  it('refuses a deployment that still runs a filter collection on a stream service of its own, and says how to move it', async () => {
    const archive = await s3Archive(moto);
    const { store } = archive;
    const bucket = archive.location.slice('s3://'.length);
    const services = new FakeServices();
    const deployment = deploymentOf('legacy');
    const root = tempProject({
      'twarc-cloud.yaml': `deployment: legacy\ntarget: aws\naws:\n  bucket: ${bucket}\n  region: us-east-1\n`,
      'collections/alpha.yaml': filter('alpha', 'climate'),
    });
    const plan = (refresh: boolean): ReturnType<typeof reconcile> =>
      reconcile(loadSettings(root, root).settings, {
        target: new AwsTarget(store, deployment, new FakeSchedules(), services, {
          actor: 'test',
          stopWaitMs: 1000,
          report: () => undefined,
        }),
        nameRules: EVERY_TARGETS_NAME_RULES,
        allowMassStop: false,
        refresh,
        env: {},
      });
    const movingHint = /still stream on an ECS service of their own[\s\S]*twarc-cloud 0\.1\.0/;
    try {
      // What an apply of 0.1.0 with `aws.stream_groups: false` recorded: alpha in no stream group.
      await writeObject(store, COLLECTIONS_INDEX_KEY, 'collections-index', {
        format: 'twarc-cloud/collections-index@1',
        updated_at: new Date().toISOString(),
        collections: { alpha: { type: 'filter', state: 'active', hash: '0'.repeat(64) } },
      });
      await assert.rejects(
        plan(false),
        (error: Error) => error instanceof UserError && movingHint.test(`${error.message} ${error.hint ?? ''}`),
      );

      // An index that says alpha is in its group, while its own service still runs: --refresh finds it.
      await writeObject(store, COLLECTIONS_INDEX_KEY, 'collections-index', {
        format: 'twarc-cloud/collections-index@1',
        updated_at: new Date().toISOString(),
        collections: { alpha: { type: 'filter', state: 'active', hash: '0'.repeat(64), stream_group: 'default' } },
      });
      await putCollection(store, { id: 'alpha', type: 'filter', rules: [{ value: 'climate' }] });
      await assert.doesNotReject(plan(false), 'the index alone says nothing is left over');
      const task = await services.registerTaskDefinition({
        family: 'legacy_alpha',
        base: deployment.task_definition,
        containerName: 'harvester',
        command: ['harvest', 'alpha'],
        stopTimeout: 120,
        tags: ownershipTags('legacy', 'alpha'),
      });
      await services.createService({
        name: 'legacy_alpha',
        cluster: deployment.cluster,
        taskDefinitionArn: task,
        subnets: [],
        securityGroups: [],
        assignPublicIp: true,
        tags: ownershipTags('legacy', 'alpha'),
      });
      await assert.rejects(
        plan(true),
        (error: Error) =>
          error instanceof UserError && /alpha/.test(error.message) && movingHint.test(`${error.message} ${error.hint ?? ''}`),
      );
      assert.equal(services.services.get('legacy_alpha')?.status, 'ACTIVE', 'and it is left running, for the release that moves it');
    } finally {
      await archive.close();
    }
  });
});
