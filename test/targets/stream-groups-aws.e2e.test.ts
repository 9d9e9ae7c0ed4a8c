/*
 * Stream groups on the AWS target, against the strict ECS and EventBridge fakes with the archive on
 * moto and real harvester processes standing in for the services' tasks (started with the command
 * of the task definition apply registered): a deployment running a stream service of its own moves
 * into its profile's stream group by an ordinary plan and apply, losing no tweet, and the group
 * then runs three collections on one connection: a tweet matching two is stored in both, a rule
 * edit and a removal need no reconnect, and max_records ends only its own collection.
 */

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { tagOwner } from '../../harvester/stream-group/group-rules.js';
import { applyPlan } from '../../reconciler/apply/apply.js';
import { reconcile } from '../../reconciler/reconcile.js';
import { groupsStreams, loadSettings } from '../../reconciler/settings/settings.js';
import { AwsTarget } from '../../targets/aws/aws-target.js';
import { FakeXApi } from '../fakes/x-api/server.js';
import { FakeServices } from '../fakes/aws/ecs-fake.js';
import { FakeSchedules } from '../fakes/aws/eventbridge-fake.js';
import { s3Archive, SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
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

describe('stream groups on the AWS target, with real harvesters', { timeout: 150_000 }, () => {
  it('moves a stream service of its own into its stream group by plan and apply without losing a tweet, then streams three collections on one connection', async () => {
    const archive = await s3Archive(moto);
    const { store } = archive;
    const bucket = archive.location.slice('s3://'.length);
    const schedules = new FakeSchedules();
    const services = new FakeServices();
    const deployment = {
      format: 'twarc-cloud/deployment@1' as const,
      deployment: 'groups',
      cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/groups',
      subnets: ['subnet-1'],
      security_groups: ['sg-1'],
      task_definition: 'twarc-cloud-harvester',
      container_name: 'harvester',
      events_role_arn: 'arn:aws:iam::123456789012:role/events',
    };
    const reports: string[] = [];
    // As openAwsTarget does: the settings say whether streams are grouped (by default they are).
    const target = (): AwsTarget =>
      new AwsTarget(store, { ...deployment }, schedules, services, {
        actor: 'test',
        stopWaitMs: 20_000,
        report: (line) => reports.push(line),
        pollMs: 50,
        streamGroups: groupsStreams(loadSettings(root, root).settings),
        backfillMinutes: 5,
      });
    const settingsFile = (release: 'before groups' | 'default'): string =>
      `deployment: groups\ntarget: aws\nx_api:\n  access_level: enterprise\naws:\n  bucket: ${bucket}\n  region: us-east-1\n${release === 'before groups' ? '  stream_groups: false\n' : ''}`;
    const root = tempProject({ 'twarc-cloud.yaml': settingsFile('before groups'), 'collections/alpha.yaml': filter('alpha', 'climate') });
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
      // Before: alpha streams on a service of its own, as before stream groups (now `stream_groups: false`).
      const before = await plan();
      await applyPlan(before.plan, before.index, { target: target(), provenance: { actor: 'test' }, report: (l) => reports.push(l) });
      assert.deepEqual([...services.services.keys()], ['groups_alpha']);
      const old = runTask('groups_alpha');
      tasks.push(old);
      await old.waitForLog(/tweet file stored/);

      // The move: the setting goes (groups are the default), and two more collections join the same profile.
      writeFileSync(join(root, 'twarc-cloud.yaml'), settingsFile('default'));
      writeFileSync(join(root, 'collections', 'beta.yaml'), filter('beta', 'weather'));
      writeFileSync(join(root, 'collections', 'gamma.yaml'), `${filter('gamma', 'storm')}max_records: 60\n`);
      const move = await plan();
      assert.deepEqual(move.plan.streamGroups, [{ kind: 'start-stream-group', group: 'default', members: ['alpha', 'beta', 'gamma'] }]);
      assert.deepEqual(
        move.plan.actions.map((a) => [a.id, a.kind, a.steps.map((s) => s.kind)]),
        [
          ['alpha', 'update', ['join-stream-group', 'stop-harvests', 'stop-service']],
          ['beta', 'create', ['join-stream-group']],
          ['gamma', 'create', ['join-stream-group']],
        ],
      );
      // ECS starts the group's task as soon as its service exists: while the old stream still runs.
      let group: HarvestRun | undefined;
      const watch = setInterval(() => {
        if (!group && services.services.has('groups_stream_default')) {
          group = runTask('groups_stream_default');
          tasks.push(group);
        }
      }, 20);
      await applyPlan(move.plan, move.index, { target: target(), provenance: { actor: 'test' }, report: (l) => reports.push(l) });
      clearInterval(watch);
      assert.ok(group, 'the group service was created');
      assert.deepEqual([...services.services.keys()], ['groups_stream_default'], 'the old stream service is gone');
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
      assert.equal((await old.done).code, 0, 'the old stream finished its harvest gracefully');
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
      const connectionsAfterMove = fake.stream.connections;
      assert.equal(connectionsAfterMove, 2, 'the old stream and then the group: one connection for three collections');

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
      assert.equal(fake.stream.connections, connectionsAfterMove, 'the rule changed without a reconnect');
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
      assert.equal(fake.stream.connections, connectionsAfterMove, 'a removal changes nothing of the connection');

      // Nothing lost across the move: every tweet X matched for alpha is in alpha, in its old harvest or its group's.
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
        'no tweet of alpha was lost in the move',
      );
      assert.ok(fake.stream.missedWhileAway > 0, 'X matched tweets while neither stream was connected, and the backfill brought them');
    } finally {
      for (const task of tasks) if (task.child.exitCode === null) task.child.kill('SIGKILL');
      await fake.stop();
      await archive.close();
    }
  });
});
