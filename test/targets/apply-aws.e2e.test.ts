import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DisableRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import { createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { EcsServices } from '../../targets/aws/ecs-services.js';
import { EventBridgeSchedules } from '../../targets/aws/eventbridge-schedules.js';
import { AwsFaultProxy } from '../helpers/aws-fault-proxy.js';
import { motoHarvesterCluster, putMotoDeployment, startMoto, type Moto } from '../helpers/moto.js';
import { assertNoCrash, runCli, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

let moto: Moto;
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let events: EventBridgeClient;
let ecs: ECSClient;
let clusterArn: string;

before(async () => {
  moto = await startMoto();
  events = new EventBridgeClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
  ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
  clusterArn = await motoHarvesterCluster(ecs, 'research', 'research-harvester');
});

after(async () => {
  events.destroy();
  ecs.destroy();
  await moto.stop();
});

/** The commands of the tasks started in the cluster so far, as their container overrides give them. */
async function startedTasks(): Promise<string[][]> {
  const arns = (await ecs.send(new ListTasksCommand({ cluster: clusterArn }))).taskArns ?? [];
  if (arns.length === 0) return [];
  const tasks = (await ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: arns }))).tasks ?? [];
  return tasks.map((task) => task.overrides?.containerOverrides?.[0]?.command ?? []);
}

const newTasks = (before: string[][], after: string[][]): string[][] => after.slice(before.length);

async function awsProject(
  deployment: string,
  withDeployment = true,
  endpoint?: string,
): Promise<{
  root: string;
  store: S3ArchiveStore;
  cli: (...args: string[]) => ReturnType<typeof runCli>;
  cliAsync: (...args: string[]) => ReturnType<typeof runCliAsync>;
}> {
  const bucket = `${deployment}-archive`;
  const s3 = createS3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const store = new S3ArchiveStore(s3, { bucket, prefix: '' });
  if (withDeployment)
    await putMotoDeployment(
      store,
      moto,
      { name: deployment, cluster: clusterArn, taskDefinition: 'research-harvester' },
      {
        events_role_arn: 'arn:aws:iam::123456789012:role/research-events',
        log_group: `/twarc-cloud/${deployment}`,
        log_stream_prefix: 'harvest',
      },
    );
  const root = tempProject({
    'twarc-cloud.yaml': `deployment: ${deployment}\ntarget: aws\naws:\n  bucket: ${bucket}\n  region: us-east-1\n`,
    'collections/search.yaml': 'id: search\ntype: search\nquery: climate\nschedule: rate(1 hour)\n',
    'collections/stream.yaml': 'id: stream\ntype: filter\nrules:\n  - value: climate\n',
  });
  execFileSync('git', ['-C', root, 'init', '-q']);
  const env = {
    AWS_ENDPOINT_URL: endpoint ?? moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    CI: '',
    GITHUB_ACTOR: '',
  };
  return { root, store, cli: (...args) => runCli(args, { cwd: root, env }), cliAsync: (...args) => runCliAsync(args, { cwd: root, env }) };
}

// The stream groups' harvesters at work are in stream-groups-aws.e2e.test.ts.
describe('plan and apply on the AWS target (moto_server)', { timeout: 120_000 }, () => {
  it("creates a schedule and a profile's stream group service, converges, updates in place, suspends and removes", async () => {
    const p = await awsProject('research');
    const schedules = new EventBridgeSchedules(events);
    const services = new EcsServices(ecs);
    const planned = p.cli('plan');
    assert.equal(planned.status, 2, planned.stderr);
    assert.match(planned.stdout, /\+ create search \(search\)[\s\S]*runtime: schedule rate\(1 hour\), enabled/);
    assert.match(planned.stdout, /\+ create stream \(filter\)[\s\S]*runtime: join stream group "default"/);
    assert.match(planned.stdout, /\+ start stream group "default": one connection for its 1 filter collection: stream/);
    assert.match(planned.stdout, /\+ create search \(search\)\n(?: {4}.*\n)* {4}runtime: start its first harvest now/);
    const tasksBefore = await startedTasks();
    const applied = p.cli('apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    // As the original did, a new schedule's first harvest starts at once: a task with the schedule's own command.
    assert.deepEqual(newTasks(tasksBefore, await startedTasks()), [['harvest', 'search']]);
    assert.match(applied.stdout, /search: first harvest started as ECS task arn:aws:ecs:/);
    assert.deepEqual(
      (await schedules.listRules('research_')).map((r) => [r.name, r.expression, r.enabled]),
      [['research_search', 'rate(1 hour)', true]],
    );
    assert.deepEqual(await schedules.tagsOf('research_search'), {
      'twarc-cloud:deployment': 'research',
      'twarc-cloud:collection': 'search',
    });
    assert.ok((await services.listServices(clusterArn)).some((listed) => listed.name === 'research_stream_default'));
    assert.equal((await readObject(p.store, collectionKeys('stream').config, 'collection-config'))?.value.state, 'active');

    const again = p.cli('plan', '--refresh');
    assert.equal(again.status, 0, again.stdout);

    writeFileSync(
      join(p.root, 'collections', 'search.yaml'),
      'id: search\ntype: search\nquery: climate\nschedule: rate(6 hours)\nstate: suspended\n',
    );
    const suspend = p.cli('apply', '--yes');
    assert.equal(suspend.status, 0, suspend.stderr);
    assert.match(suspend.stdout, /- suspend search/);
    assert.deepEqual(
      (await schedules.listRules('research_search')).map((r) => [r.expression, r.enabled]),
      [['rate(6 hours)', false]],
    );

    rmSync(join(p.root, 'collections', 'stream.yaml'));
    const removed = p.cli('apply', '--yes');
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal((await services.describeService(clusterArn, 'research_stream_default'))?.status ?? 'gone', 'gone');
    assert.equal((await readObject(p.store, collectionKeys('stream').config, 'collection-config'))?.value.state, 'removed');
    assert.equal(p.cli('plan').status, 0);
  });

  it('apply --no-initial-run leaves the first harvest to the schedule; run --target aws starts one as a task', async () => {
    const p = await awsProject('waiting');
    const before = await startedTasks();
    const planned = p.cli('plan', '--no-initial-run');
    assert.doesNotMatch(planned.stdout, /start its first harvest now/);
    assert.equal(p.cli('apply', '--yes', '--no-initial-run').status, 0);
    assert.deepEqual(newTasks(before, await startedTasks()), []);

    const run = p.cli('run', 'search', '--target', 'aws');
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(
      newTasks(before, await startedTasks()),
      [['harvest', 'search']],
      "the base task definition, with the schedule's command",
    );
    const task = /Started harvest of search as ECS task (\S+)/.exec(run.stdout)?.[1] ?? '';
    assert.match(task, /^arn:aws:ecs:us-east-1:\d+:task\//);
    assert.ok(
      run.stdout.includes(
        `aws logs tail /twarc-cloud/waiting --log-stream-names harvest/harvester/${task.slice(task.lastIndexOf('/') + 1)} --follow`,
      ),
      run.stdout,
    );
    assert.match(run.stdout, /twarc-cloud status search --target aws/);

    const unknown = p.cli('run', 'nosuch', '--target', 'aws');
    assert.equal(unknown.status, 1);
    assertNoCrash(unknown);
    assert.match(unknown.stderr, /collection nosuch is not in the deployment's archive/);
  });

  it("plans a stream that has stored its max_records as complete: its group's service goes with its last member, and raising max_records starts it again", async () => {
    const p = await awsProject('finishing');
    const limited = 'id: stream\ntype: filter\nrules:\n  - value: climate\nmax_records: 500\n';
    writeFileSync(join(p.root, 'collections', 'stream.yaml'), limited);
    assert.equal(p.cli('apply', '--yes', '--no-initial-run').status, 0);
    const services = new EcsServices(ecs);
    assert.equal((await services.describeService(clusterArn, 'finishing_stream_default'))?.status, 'ACTIVE');
    // What the harvester leaves when it has stored 500 tweets (its group has also scaled its service to zero).
    await writeObject(p.store, collectionKeys('stream').state, 'state', {
      format: 'twarc-cloud/state@1',
      collection: 'stream',
      harvest_id: '20261202T060000Z',
      updated_at: new Date().toISOString(),
      stream: { tweets: 500 },
    });
    const planned = p.cli('plan');
    assert.equal(planned.status, 2);
    assert.match(
      planned.stdout,
      /~ update stream \(filter\)\n\s+~ \(max_records reached\): false -> true\n\s+runtime: stop running harvests gracefully\n\s+runtime: leave stream group "default"/,
    );
    assert.equal(p.cli('apply', '--yes').status, 0);
    assert.equal((await services.describeService(clusterArn, 'finishing_stream_default'))?.status ?? 'gone', 'gone');
    const index = await readObject(p.store, 'collections.json', 'collections-index');
    assert.equal(index?.value.collections['stream']?.complete, true);
    assert.equal(p.cli('plan', '--refresh').status, 0, 'a complete collection stays ended');

    writeFileSync(join(p.root, 'collections', 'stream.yaml'), limited.replace('500', '2000'));
    const raised = p.cli('apply', '--yes');
    assert.equal(raised.status, 0, raised.stderr);
    assert.match(raised.stdout, /runtime: join stream group "default"/);
    assert.equal((await services.describeService(clusterArn, 'finishing_stream_default'))?.status, 'ACTIVE');
    assert.equal((await readObject(p.store, 'collections.json', 'collections-index'))?.value.collections['stream']?.complete, undefined);
  });

  it('adopts an untagged rule that a collection wants, and leaves one it does not want alone', async () => {
    const p = await awsProject('adopting');
    await events.send(new PutRuleCommand({ Name: 'adopting_search', ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' }));
    await events.send(new PutRuleCommand({ Name: 'adopting_someone-elses', ScheduleExpression: 'rate(1 day)', State: 'ENABLED' }));
    assert.match(p.cli('plan').stdout, /\+ create search/, 'without --refresh, plan trusts the (empty) index');
    const planned = p.cli('plan', '--refresh');
    assert.match(planned.stdout, /~ adopt search \(search\)/);
    assert.doesNotMatch(planned.stdout, /someone-elses/);
    assert.equal(p.cli('apply', '--yes').status, 0);
    const schedules = new EventBridgeSchedules(events);
    const rules = await schedules.listRules('adopting_');
    assert.ok(
      rules.some((r) => r.name === 'adopting_someone-elses'),
      'the unowned rule is untouched',
    );
    assert.equal(
      (await schedules.tagsOf('adopting_search'))['twarc-cloud:deployment'],
      'adopting',
      'the adopted rule carries the tags now',
    );
    assert.equal(p.cli('plan', '--refresh').status, 0, 'once adopted, the collection is in step');
  });

  it("puts a collection's compliance schedule as a second rule that runs `compliance <id>`, keeps it while suspended, and deletes it with the collection", async () => {
    const p = await awsProject('checking');
    const search = 'id: search\ntype: search\nquery: climate\nschedule: rate(1 hour)\ncompliance:\n  schedule: rate(7 days)\n';
    writeFileSync(join(p.root, 'collections', 'search.yaml'), search);
    const planned = p.cli('plan', '--no-initial-run');
    assert.match(planned.stdout, /\+ create search \(search\)[\s\S]*runtime: compliance checks rate\(7 days\)/);
    assert.equal(p.cli('apply', '--yes', '--no-initial-run').status, 0);
    const schedules = new EventBridgeSchedules(events);
    const rules = async (): Promise<unknown[]> =>
      (await schedules.listRules('checking_'))
        .map((r) => [r.name, r.expression, r.enabled])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(await rules(), [
      ['checking_compliance_search', 'rate(7 days)', true],
      ['checking_search', 'rate(1 hour)', true],
    ]);
    assert.deepEqual(await schedules.tagsOf('checking_compliance_search'), {
      'twarc-cloud:deployment': 'checking',
      'twarc-cloud:collection': 'search',
    });
    const [target] = (await events.send(new ListTargetsByRuleCommand({ Rule: 'checking_compliance_search' }))).Targets ?? [];
    assert.equal(target?.EcsParameters?.TaskDefinitionArn, 'research-harvester', 'the base task definition, as a harvest schedule');
    assert.equal(target.RoleArn, 'arn:aws:iam::123456789012:role/research-events');
    assert.deepEqual(JSON.parse(target.Input ?? '{}'), {
      containerOverrides: [{ name: 'harvester', command: ['compliance', 'search', '--skip-if-empty'] }],
    });
    assert.equal(p.cli('plan', '--refresh').status, 0, 'converged, the compliance rule included');

    await events.send(new DisableRuleCommand({ Name: 'checking_compliance_search' }));
    const disabled = p.cli('plan', '--refresh');
    assert.match(
      disabled.stdout,
      /~ update search \(search\)\n\s+runtime: compliance checks rate\(7 days\)/,
      'a rule disabled by hand is drift',
    );
    await schedules.deleteRule('checking_compliance_search');
    const drift = p.cli('plan', '--refresh');
    assert.match(
      drift.stdout,
      /~ update search \(search\)\n\s+runtime: compliance checks rate\(7 days\)/,
      'a rule deleted by hand is drift',
    );
    assert.equal(p.cli('apply', '--yes').status, 0);

    writeFileSync(join(p.root, 'collections', 'search.yaml'), `${search}state: suspended\n`);
    assert.equal(p.cli('apply', '--yes').status, 0);
    assert.deepEqual(await rules(), [
      ['checking_compliance_search', 'rate(7 days)', true],
      ['checking_search', 'rate(1 hour)', false],
    ]);
    rmSync(join(p.root, 'collections', 'search.yaml'));
    const removed = p.cli('apply', '--yes');
    assert.equal(removed.status, 0, removed.stderr);
    assert.deepEqual(await rules(), [], 'both rules go with the collection; its archive stays');
    assert.equal(p.cli('plan', '--refresh').status, 0);
  });

  it('finds drift with --refresh: a rule deleted by hand is put back by the next apply', async () => {
    const p = await awsProject('drifting');
    assert.equal(p.cli('apply', '--yes').status, 0);
    const schedules = new EventBridgeSchedules(events);
    await schedules.deleteRule('drifting_search');
    assert.equal(p.cli('plan').status, 0, 'the index still records the rule');
    const refreshed = p.cli('plan', '--refresh');
    assert.equal(refreshed.status, 2);
    assert.match(refreshed.stdout, /~ update search \(search\)\n\s+runtime: schedule rate\(1 hour\), enabled/);
    assert.equal(p.cli('apply', '--yes').status, 0);
    assert.deepEqual(
      (await schedules.listRules('drifting_search')).map((r) => r.expression),
      ['rate(1 hour)'],
    );
  });

  it('retries AWS throttling, and explains expired credentials without a stack trace', async () => {
    const proxy = new AwsFaultProxy(moto.endpoint);
    const endpoint = await proxy.start();
    try {
      const p = await awsProject('throttled', true, endpoint);
      proxy.faults.push({ service: 'events', status: 400, code: 'ThrottlingException', message: 'Rate exceeded', times: 3 });
      const applied = await p.cliAsync('apply', '--yes');
      assert.equal(applied.status, 0, applied.stdout + applied.stderr);
      assert.equal(proxy.answered.get('ThrottlingException'), 3, 'three throttled requests, each retried');
      assert.deepEqual(
        (await new EventBridgeSchedules(events).listRules('throttled_')).map((r) => r.name),
        ['throttled_search'],
      );
      proxy.faults.push({
        service: 's3',
        status: 400,
        code: 'ExpiredToken',
        message: 'The provided token has expired.',
        times: Infinity,
      });
      const expired = await p.cliAsync('plan');
      assert.equal(expired.status, 1);
      assertNoCrash(expired);
      assert.match(expired.stderr, /AWS refused the credentials \(ExpiredToken\)[\s\S]*hint: refresh them/);
    } finally {
      await proxy.stop();
    }
  });

  it('explains a bucket without deployment.json and an unreachable endpoint, without a stack trace', async () => {
    const p = await awsProject('empty', false);
    const missing = p.cli('plan');
    assert.equal(missing.status, 1);
    assertNoCrash(missing);
    assert.match(missing.stderr, /has no deployment\.json/);
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: research\ntarget: aws\naws:\n  bucket: unreachable-bucket\n  region: us-east-1\n',
      'collections/.keep': '',
    });
    const unreachable = runCli(['plan'], {
      cwd: root,
      env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_MAX_ATTEMPTS: '1' },
    });
    assert.equal(unreachable.status, 1);
    assertNoCrash(unreachable);
    assert.match(unreachable.stderr, /cannot reach (S3|AWS)/);
  });
});
