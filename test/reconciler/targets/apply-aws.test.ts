import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { DEPLOYMENT_KEY, collectionKeys } from '../../../platform/archive/keys.js';
import { readObject, writeObject } from '../../../platform/archive/objects.js';
import { createS3Client, S3ArchiveStore } from '../../../platform/archive/s3-store.js';
import { EcsServices } from '../../../reconciler/targets/aws/ecs-services.js';
import { EventBridgeSchedules } from '../../../reconciler/targets/aws/eventbridge-schedules.js';
import { AwsFaultProxy } from '../../helpers/aws-fault-proxy.js';
import { motoDefaultNetwork, motoHarvesterCluster, startMoto, type Moto } from '../../helpers/moto.js';
import { assertNoCrash, runCli, runCliAsync } from '../../helpers/run-cli.js';
import { tempProject } from '../../helpers/temp-project.js';

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
  if (withDeployment) {
    const network = await motoDefaultNetwork(moto.endpoint);
    await writeObject(store, DEPLOYMENT_KEY, 'deployment', {
      format: 'twarc-cloud/deployment@1',
      deployment,
      cluster: clusterArn,
      subnets: network.subnets,
      security_groups: network.securityGroups,
      task_definition: 'research-harvester',
      container_name: 'harvester',
      events_role_arn: 'arn:aws:iam::123456789012:role/research-events',
    });
  }
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

describe('plan and apply on the AWS target (moto_server)', { timeout: 120_000 }, () => {
  it('creates a schedule and a stream service, converges, updates in place, suspends and removes', async () => {
    const p = await awsProject('research');
    const schedules = new EventBridgeSchedules(events);
    const services = new EcsServices(ecs);
    const planned = p.cli('plan');
    assert.equal(planned.status, 2, planned.stderr);
    assert.match(planned.stdout, /\+ create search \(search\)[\s\S]*runtime: schedule rate\(1 hour\), enabled/);
    assert.match(planned.stdout, /\+ create stream \(filter\)[\s\S]*runtime: start the stream/);
    const applied = p.cli('apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.deepEqual(
      (await schedules.listRules('research_')).map((r) => [r.name, r.expression, r.enabled]),
      [['research_search', 'rate(1 hour)', true]],
    );
    assert.deepEqual(await schedules.tagsOf('research_search'), {
      'twarc-cloud:deployment': 'research',
      'twarc-cloud:collection': 'search',
    });
    assert.ok((await services.listServices(clusterArn)).some((listed) => listed.name === 'research_stream'));
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
    assert.equal((await services.describeService(clusterArn, 'research_stream'))?.status ?? 'gone', 'gone');
    assert.equal((await readObject(p.store, collectionKeys('stream').config, 'collection-config'))?.value.state, 'removed');
    assert.equal(p.cli('plan').status, 0);
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
      proxy.faults.push({ service: 's3', status: 400, code: 'ExpiredToken', message: 'The provided token has expired.', times: Infinity });
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
