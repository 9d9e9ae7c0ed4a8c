/*
 * The production path, with real tools: the Terraform CLI applies terraform/ to moto_server; the
 * reconciler (real CLI processes, under the plan or apply role's key) applies collections to exactly
 * that deployment; a schedule is fired from the target EventBridge holds for it, and streams run
 * from their services' task definitions, by the harvester bundle the image runs; and every AWS call
 * any of them made is checked against the IAM policies Terraform rendered for the role that makes
 * it in production.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, cpSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeTaskDefinitionCommand, ECSClient, RunTaskCommand, type ContainerOverride } from '@aws-sdk/client-ecs';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { GetBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { pollUntil } from '../../platform/async.js';
import { DEPLOYMENT_KEY } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { createS3Client, EPHEMERAL_TAG, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { bundle } from '../../scripts/bundle.js';
import { FakeXApi } from '../fakes/x-api/server.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';
import { AwsFaultProxy } from '../helpers/aws-fault-proxy.js';
import { EcsTaskRunner, type RanTask } from '../helpers/ecs-task-runner.js';
import { motoWorld } from '../helpers/iam/moto-world.js';
import { evaluate, type PolicyDocument } from '../helpers/iam/policy-evaluation.js';
import { checkIam, roleCallsOf, type RoleCall } from '../helpers/iam/role-check.js';
import { matchesPattern } from '../helpers/event-pattern.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { runCliAsync, type CliResult } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { terraformDeployment, type TerraformDeployment } from '../helpers/terraform-deployment.js';
import { policiesBeforeIssue10 } from './fixtures/policies-before-issue-10.js';

const region = 'us-east-1';
const account = '123456789012';
const deployment = 'tc-e2e';
const admin = { accessKeyId: 'test', secretAccessKey: 'test' };
/** Each production role's calls are signed with a key of its own, so the proxy can tell them apart. */
const ROLE_KEYS = {
  plan: 'AKIATCE2EPLANROLE01',
  apply: 'AKIATCE2EAPPLYROLE1',
  task: 'AKIATCE2ETASKROLE01',
  events: 'AKIATCE2EEVENTSROLE',
} as const;
const ROLE_NAMES = {
  plan: `${deployment}-github-plan`,
  apply: `${deployment}-github-apply`,
  task: `${deployment}-harvester-task`,
  events: `${deployment}-events`,
  execution: `${deployment}-harvester-execution`,
} as const;

let moto: Moto;
let proxy: AwsFaultProxy;
let proxyUrl: string;
let fake: FakeXApi;
let tf: TerraformDeployment;
let ecs: ECSClient;
let runner: EcsTaskRunner;
let store: S3ArchiveStore;
let project: string;
let clusterArn: string;
const bucket = `${deployment}-archive`;

before(async () => {
  moto = await startMoto();
  proxy = new AwsFaultProxy(moto.endpoint);
  proxyUrl = await proxy.start();
  fake = new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 3, tweetsPerUser: () => 5, searchTweets: 40 },
    stream: { tweets: 1_000_000, perSecond: 50, keepAliveMs: 200 },
  });
  await fake.start();
  tf = await terraformDeployment(moto.endpoint, {
    deployment,
    region,
    bucket_name: bucket,
    github_repository: 'lab/collections',
    image_tag: 'v1',
  });
  await tf.apply();
  ecs = new ECSClient({ endpoint: moto.endpoint, region, credentials: admin });
  const ssm = new SSMClient({ endpoint: moto.endpoint, region, credentials: admin });
  await ssm.send(
    new PutParameterCommand({ Name: `/${deployment}/credentials/default/bearer_token`, Type: 'SecureString', Value: SECRET_BEARER }),
  );
  ssm.destroy();
  store = new S3ArchiveStore(createS3Client({ endpoint: moto.endpoint, region, forcePathStyle: true, credentials: admin }), {
    bucket,
    prefix: '',
  });
  const app = mkdtempSync(join(tmpdir(), 'twarc-cloud-image-'));
  mkdirSync(join(app, 'dist', 'bundle'), { recursive: true });
  await bundle(join(app, 'dist', 'bundle', 'twarc-cloud.mjs'));
  cpSync(join(PACKAGE_ROOT, 'package.json'), join(app, 'package.json'));
  cpSync(join(PACKAGE_ROOT, 'schemas'), join(app, 'schemas'), { recursive: true });
  runner = new EcsTaskRunner({
    ecs,
    appDir: app,
    region,
    account,
    taskEnv: {
      ...keyEnv(ROLE_KEYS.task),
      HOME: app,
      TWARC_CLOUD_API_BASE_URL: fake.baseUrl,
      TWARC_CLOUD_STOP_POLL_MS: '200',
      TWARC_CLOUD_BACKOFF_SCALE: '0.002',
    },
  });
  proxy.intercept = runner.answerRunTask;
  project = tempProject({
    'twarc-cloud.yaml': `deployment: ${deployment}\ntarget: aws\naws:\n  bucket: ${bucket}\n  region: ${region}\n`,
    'collections/climate.yaml': 'id: climate\ntype: search\nquery: climate\nschedule: rate(1 hour)\n',
    'collections/live.yaml': 'id: live\ntype: filter\nrules:\n  - value: climate\noutput:\n  tweets_per_file: 100\n',
    'collections/paused.yaml': "id: paused\ntype: user_timeline\nstate: suspended\nusers:\n  '1000000':\n    screen_name: user_0\n",
  });
  execFileSync('git', ['-C', project, 'init', '-q']);
});

after(async () => {
  await runner.stopAll();
  ecs.destroy();
  await fake.stop();
  await proxy.stop();
  await moto.stop();
});

function keyEnv(key: string): NodeJS.ProcessEnv {
  return { AWS_ENDPOINT_URL: proxyUrl, AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: region };
}

/** The CLI as the workflows run it: the plan role's key for plan, drift and users sync, the apply role's for apply. */
async function cli(role: 'plan' | 'apply', ...args: string[]): Promise<CliResult> {
  const from = proxy.exchanges.length;
  const stopFollowing = runner.followServices(clusterArn);
  try {
    const result = await runCliAsync([...args, '--target', 'aws'], {
      cwd: project,
      env: { ...keyEnv(ROLE_KEYS[role]), CI: '', GITHUB_ACTOR: '', TWARC_CLOUD_API_BASE_URL: fake.baseUrl },
    });
    if (result.status === 0 || result.status === 2) return result;
    // A failure names the AWS answers that were errors: what moto or the policies refused.
    const refused = proxy.exchanges
      .slice(from)
      .filter((e) => e.status >= 400)
      .map(
        (e) =>
          `${e.status} ${e.method} ${e.url} ${String(e.headers['x-amz-target'] ?? '')} ${e.body.slice(0, 300)} -> ${e.response.slice(0, 300)}`,
      );
    return { ...result, stderr: `${result.stderr}\nAWS answers that were errors:\n${refused.join('\n')}` };
  } finally {
    await stopFollowing();
    // ECS goes on acting after the command returns: one more pass sees what its last calls changed.
    await runner.reconcileServices(clusterArn);
  }
}

/** EventBridge's invocation of a rule's ECS target: RunTask, as its role, with what the target holds. */
async function fireSchedule(rule: string): Promise<RanTask> {
  const events = new EventBridgeClient({ endpoint: moto.endpoint, region, credentials: admin });
  const target = (await events.send(new ListTargetsByRuleCommand({ Rule: rule }))).Targets?.[0];
  events.destroy();
  const parameters = target?.EcsParameters;
  assert.ok(target && parameters?.TaskDefinitionArn, `the rule ${rule} has an ECS target`);
  assert.equal(target.RoleArn, `arn:aws:iam::${account}:role/${ROLE_NAMES.events}`, 'the target runs as the events role Terraform made');
  assert.equal(
    target.DeadLetterConfig?.Arn,
    `arn:aws:sqs:${region}:${account}:${deployment}-failed-invocations`,
    'an invocation EventBridge cannot make lands in the queue the alarm watches',
  );
  const overrides = (JSON.parse(target.Input ?? '{}') as { containerOverrides?: ContainerOverride[] }).containerOverrides ?? [];
  const asEvents = new ECSClient({ endpoint: proxyUrl, region, credentials: { accessKeyId: ROLE_KEYS.events, secretAccessKey: 'test' } });
  const network = parameters.NetworkConfiguration?.awsvpcConfiguration;
  // The proxy's RunTask answer (the runner) starts the task, as ECS would.
  const started = await asEvents.send(
    new RunTaskCommand({
      cluster: target.Arn,
      taskDefinition: parameters.TaskDefinitionArn,
      launchType: parameters.LaunchType ?? 'FARGATE',
      count: parameters.TaskCount ?? 1,
      ...(network
        ? {
            networkConfiguration: {
              awsvpcConfiguration: {
                subnets: network.Subnets ?? [],
                ...(network.SecurityGroups ? { securityGroups: network.SecurityGroups } : {}),
                ...(network.AssignPublicIp ? { assignPublicIp: network.AssignPublicIp } : {}),
              },
            },
          }
        : {}),
      overrides: { containerOverrides: overrides },
    }),
  );
  asEvents.destroy();
  const task = runner.tasks.find((t) => t.arn === started.tasks?.[0]?.taskArn);
  assert.ok(task, `ECS started a task for ${rule}`);
  return task;
}

async function finished(task: RanTask): Promise<void> {
  const { code } = await task.exit;
  assert.equal(code, 0, `task ${task.command.join(' ')} exited ${String(code)}:\n${task.output()}`);
}

describe('the AWS deployment, made by the Terraform CLI on moto_server and run by the reconciler', { timeout: 900_000 }, () => {
  it('applies; a second plan changes nothing; the README lists every variable and output Terraform reads', async () => {
    const second = await tf.planExitCode();
    assert.equal(second.code, 0, `a second plan is empty:\n${second.output.slice(-4000)}`);
    const latest = await tf.planExitCode({ image_tag: 'latest' });
    assert.equal(latest.code, 1, 'the repository is immutable: "latest" would name a different image each push');
    assert.match(latest.output, /A Docker tag other than "latest"/);
    const { variables, outputs } = await tf.interface();
    const readme = readFileSync(join(PACKAGE_ROOT, 'terraform', 'README.md'), 'utf8');
    for (const name of [...variables, ...outputs]) assert.ok(readme.includes(`| \`${name}\` |`), `terraform/README.md lists ${name}`);
    const written = await readObject(store, DEPLOYMENT_KEY, 'deployment');
    assert.ok(written, 'Terraform wrote deployment.json, and it reads as the schema says');
    assert.equal(written.value.deployment, deployment);
    clusterArn = written.value.cluster;
    assert.match(clusterArn, /^arn:aws:ecs:us-east-1:123456789012:cluster\//);
  });

  it('renders IAM without wildcard actions, and lets only the protected environment assume the apply role', async () => {
    const roles = await tf.roles();
    for (const role of roles.values())
      for (const [name, document] of role.policies)
        for (const statement of [document.Statement].flat())
          for (const action of [statement.Action ?? []].flat())
            assert.doesNotMatch(action, /\*/, `${role.name} ${name}: no wildcard action`);
    for (const role of roles.values())
      for (const statement of [...role.policies.values()].flatMap((document) => [document.Statement].flat()))
        if ([statement.Action ?? []].flat().includes('iam:PassRole'))
          assert.ok(statement.Condition?.['StringEquals']?.['iam:PassedToService'], `${role.name} passes roles only to a named service`);
    const subjects = (document: PolicyDocument | undefined): unknown =>
      [document?.Statement ?? []].flat().map((s) => s.Condition?.['StringEquals']?.['token.actions.githubusercontent.com:sub']);
    assert.deepEqual(subjects(roles.get(ROLE_NAMES.apply)?.trust), ['repo:lab/collections:environment:production']);
    assert.deepEqual(subjects(roles.get(ROLE_NAMES.plan)?.trust), [
      ['repo:lab/collections:pull_request', 'repo:lab/collections:ref:refs/heads/main'],
    ]);
    const s3 = createS3Client({ endpoint: moto.endpoint, region, forcePathStyle: true, credentials: admin });
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    const ephemeral = lifecycle.Rules?.find((rule) => rule.Filter?.Tag !== undefined);
    assert.deepEqual(
      ephemeral?.Filter?.Tag,
      { Key: EPHEMERAL_TAG.key, Value: EPHEMERAL_TAG.value },
      'the lifecycle rule expires what the store tags',
    );
    s3.destroy();
  });

  it('applies a schedule, a stream and a suspended collection to that deployment; the fired schedule and the stream harvest', async () => {
    const planned = await cli('plan', 'plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    const applied = await cli('apply', 'apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /climate: first harvest started as ECS task/);
    const first = runner.tasks.find((task) => task.command.join(' ') === 'harvest climate');
    assert.ok(first, 'the first harvest ran from the base task definition with the collection command');
    await finished(first);
    const fired = await fireSchedule(`${deployment}_climate`);
    assert.deepEqual(fired.command, ['harvest', 'climate']);
    await finished(fired);
    assert.ok((await storedTweets(store, 'climate')).length > 0, 'the scheduled harvests landed in the bucket');
    const stream = runner.tasks.find((task) => task.service === `${deployment}_live`);
    assert.ok(stream, "the stream runs from its service's task definition");
    assert.equal(stream.process.exitCode, null, stream.output());
    const platformOf = async (taskDefinition: string): Promise<unknown> =>
      (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))).taskDefinition?.runtimePlatform;
    assert.deepEqual(await platformOf(stream.taskDefinitionArn), { cpuArchitecture: 'ARM64', operatingSystemFamily: 'LINUX' });
    assert.deepEqual(
      await platformOf(stream.taskDefinitionArn),
      await platformOf(`${deployment}-harvester`),
      'a stream runs where the base runs',
    );
    await waitFor(async () => (await storedTweets(store, 'live')).length > 0 || undefined, 'stream tweets in the bucket', stream);
    const again = await cli('plan', 'plan');
    assert.equal(again.status, 0, `converged:\n${again.stdout}${again.stderr}`);
  });

  it('alerts on a harvest that fails and on a task that never starts, not on one that ends well', async () => {
    const topic = String((await tf.outputs())['alerts_topic_arn']);
    const events = new EventBridgeClient({ endpoint: moto.endpoint, region, credentials: admin });
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
      detail: { clusterArn, lastStatus: 'STOPPED', desiredStatus: 'STOPPED', ...detail },
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
    assert.deepEqual(alertsFor({ ...exited(1), detail: { ...(exited(1)['detail'] as object), clusterArn: `${clusterArn}-other` } }), []);
    // The topic and the dead-letter queue accept what their rules and alarm send, and nothing else's.
    const [topicPolicy] = await tf.valuesOf('aws_sns_topic_policy');
    const [queuePolicy] = await tf.valuesOf('aws_sqs_queue_policy');
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
    assert.ok(!send(rule('tc-e2e2_climate')), "another deployment's schedules cannot fill this queue");
  });

  it('reads as the workflows do: plan --refresh, the drift report, users sync', async () => {
    const refreshed = await cli('plan', 'plan', '--refresh', '--format', 'markdown');
    assert.equal(refreshed.status, 0, refreshed.stdout + refreshed.stderr);
    const synced = await cli('plan', 'users', 'sync');
    assert.equal(synced.status, 0, synced.stdout + synced.stderr);
  });

  it('after a new image_tag, apply re-points the schedule and rolls the stream; both keep harvesting', async () => {
    await tf.apply({ image_tag: 'v2' });
    const planned = await cli('plan', 'plan');
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.match(planned.stdout, /~ update climate \(search\)\n.*harvester release.*tc-e2e-harvester:2"\n/);
    assert.match(planned.stdout, /~ update live \(filter\)\n(?:.*\n)*? {4}runtime: restart the stream/);
    const before = runner.running().find((task) => task.service === `${deployment}_live`);
    const applied = await cli('apply', 'apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.ok(before);
    assert.equal((await before.exit).code, 0, `the old stream task ended gracefully:\n${before.output()}`);
    const fired = await fireSchedule(`${deployment}_climate`);
    assert.match(fired.taskDefinitionArn, new RegExp(`${deployment}-harvester:2$`));
    await finished(fired);
    const rolled = await waitFor(
      () => Promise.resolve(runner.running().find((task) => task.service === `${deployment}_live` && task !== before)),
      'the stream on its new task definition',
    );
    assert.notEqual(rolled.taskDefinitionArn, before.taskDefinitionArn);
  });

  it('stop <id> on AWS ends the running harvest gracefully, through the archive the task shares', async () => {
    const stream = runner.running().find((task) => task.service === `${deployment}_live`);
    assert.ok(stream);
    const stopped = await cli('apply', 'stop', 'live');
    assert.equal(stopped.status, 0, stopped.stdout + stopped.stderr);
    assert.match(stopped.stdout, /Stopped harvest \d{8}T\d{6}Z of live \((?:through its control API|with a stop request in the archive)\)/);
    assert.equal(await store.get('collections/live/lock.json'), undefined, 'its lock is released once its data is stored');
  });

  it('removing the stream stops it gracefully and keeps its data', async () => {
    const stream = runner.running().find((task) => task.service === `${deployment}_live`);
    assert.ok(stream);
    const stored = (await storedTweets(store, 'live')).length;
    unlinkSync(join(project, 'collections', 'live.yaml'));
    const applied = await cli('apply', 'apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.equal((await stream.exit).code, 0, stream.output());
    assert.ok((await storedTweets(store, 'live')).length >= stored, 'nothing harvested is deleted');
    assert.equal(await store.get('collections/live/lock.json'), undefined, 'the stream let go of its lock');
  });

  it('every AWS call the roles made is allowed by the policies Terraform rendered for them', async () => {
    const { calls, policiesOf } = await recordedCalls();
    const verdict = checkIam(calls, policiesOf);
    assert.deepEqual(verdict.denied, []);
    const roles = new Set(calls.map((c) => c.role));
    assert.deepEqual([...roles].sort(), Object.values(ROLE_NAMES).sort(), 'every production role was exercised');
    console.log(`IAM check: ${verdict.requests} requests, ${verdict.pairs.size} distinct (role, action) pairs, all allowed`);
  });

  it("catches defects 1 and 2 on the GitHub roles' policies before issue 10", async () => {
    const { calls, policiesOf } = await recordedCalls();
    const roles = await tf.roles();
    const old = policiesBeforeIssue10({
      region,
      account,
      deployment,
      bucket,
      clusterArn,
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
    assert.match(denied, /tc-e2e-github-apply may not ecs:TagResource on arn:aws:ecs:[^ ]+:task-definition\/tc-e2e_live:\d+/);
  });
});

async function recordedCalls(): Promise<{ calls: RoleCall[]; policiesOf: (role: string) => ReadonlyMap<string, PolicyDocument> }> {
  const world = await motoWorld(ecs, region, account);
  const roleOfKey = new Map<string, string>(
    (Object.keys(ROLE_KEYS) as Array<keyof typeof ROLE_KEYS>).map((role) => [ROLE_KEYS[role], ROLE_NAMES[role]]),
  );
  const calls = [
    ...roleCallsOf(proxy.exchanges, roleOfKey, world),
    ...runner.executionCalls.map((call) => ({ role: ROLE_NAMES.execution, call })),
  ];
  const roles = await tf.roles();
  return {
    calls,
    policiesOf: (role) => {
      const rendered = roles.get(role);
      if (!rendered) throw new Error(`Terraform rendered no role ${role}`);
      return rendered.policies;
    },
  };
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, watched?: RanTask): Promise<T> {
  const found = await pollUntil(probe, { intervalMs: 200, timeoutMs: 60_000 });
  if (found === undefined) throw new Error(`no ${what} within 60 s${watched ? `:\n${watched.output()}` : ''}`);
  return found;
}
