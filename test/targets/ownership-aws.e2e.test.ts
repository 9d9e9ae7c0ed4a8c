/*
 * One ownership rule for every kind of AWS resource, proven on moto_server: in a cluster and on an
 * event bus that hold, beside this deployment's resources, an untagged service and rule, a service,
 * a rule and a task definition family tagged for another deployment, and a rule of this deployment
 * that no collection made (as terraform's are), plan and apply never change, adopt or delete any of
 * them; a collection that wants one of them is refused with a message naming its owner.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand,
  PutRuleCommand,
  TagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { motoDefaultNetwork, motoHarvesterCluster, putMotoDeployment, startMoto, type Moto } from '../helpers/moto.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ELSEWHERE = { 'twarc-cloud:deployment': 'elsewhere', 'twarc-cloud:collection': 'x' };
let moto: Moto;
let events: EventBridgeClient;
let ecs: ECSClient;

before(async () => {
  moto = await startMoto();
  events = new EventBridgeClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
  ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
});

after(async () => {
  events.destroy();
  ecs.destroy();
  await moto.stop();
});

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

async function rule(name: string, tags: Record<string, string>): Promise<void> {
  const { RuleArn } = await events.send(new PutRuleCommand({ Name: name, ScheduleExpression: 'rate(7 days)', State: 'ENABLED' }));
  if (Object.keys(tags).length > 0)
    await events.send(new TagResourceCommand({ ResourceARN: RuleArn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
}

async function ruleState(name: string): Promise<{ expression?: string; state?: string; tags: Record<string, string> }> {
  const found = await events.send(new DescribeRuleCommand({ Name: name }));
  const tags = await events.send(new ListTagsForResourceCommand({ ResourceARN: found.Arn }));
  return {
    ...(found.ScheduleExpression !== undefined ? { expression: found.ScheduleExpression } : {}),
    ...(found.State !== undefined ? { state: found.State } : {}),
    tags: Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}

async function serviceState(
  cluster: string,
  name: string,
): Promise<{ status?: string; desired?: number; taskDefinition?: string; tags: Record<string, string> }> {
  const found = (await ecs.send(new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] }))).services?.[0];
  return {
    ...(found?.status !== undefined ? { status: found.status } : {}),
    ...(found?.desiredCount !== undefined ? { desired: found.desiredCount } : {}),
    ...(found?.taskDefinition !== undefined ? { taskDefinition: found.taskDefinition } : {}),
    tags: Object.fromEntries((found?.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])),
  };
}

/** A deployment as Terraform leaves it on moto: its cluster, its bucket with deployment.json. */
async function deploymentOnMoto(deployment: string, bucket: string): Promise<{ cluster: string }> {
  const cluster = await motoHarvesterCluster(ecs, deployment, `${deployment}-harvester`);
  const s3 = createS3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const store = new S3ArchiveStore(s3, { bucket, prefix: '' });
    await putMotoDeployment(store, moto, { name: deployment, cluster, taskDefinition: `${deployment}-harvester` });
    return { cluster };
  } finally {
    s3.destroy();
  }
}

/** The CLI's environment for a project at `root` on moto. */
function awsEnv(root: string): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    CI: '',
    GITHUB_ACTOR: '',
    HOME: root,
  };
}

describe('ownership on the AWS target (moto_server)', { timeout: 180_000 }, () => {
  it("leaves every resource that is not this deployment's as it was, in plan, in the pull-request plan and in apply, and refuses a collection that wants one", async () => {
    const deployment = 'owner';
    const { cluster } = await deploymentOnMoto(deployment, 'owner-archive');
    const network = await motoDefaultNetwork(moto.endpoint);
    // What else lives in the cluster and on the bus.
    const web = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: 'nginx' }],
      }),
    );
    const webArn = web.taskDefinition?.taskDefinitionArn ?? '';
    const awsvpc = { awsvpcConfiguration: { subnets: network.subnets, securityGroups: network.securityGroups } };
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'owner_web-frontend',
        taskDefinition: webArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: awsvpc,
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: 'owner_other',
        taskDefinition: webArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: awsvpc,
        tags: tagList({ ...ELSEWHERE, 'twarc-cloud:collection': 'other' }),
      }),
    );
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'owner_stream_legacy',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'harvester', image: 'elsewhere' }],
        tags: tagList({ 'twarc-cloud:deployment': 'elsewhere', 'twarc-cloud:stream-group': 'legacy' }),
      }),
    );
    await rule('owner_theirs', { ...ELSEWHERE, 'twarc-cloud:collection': 'theirs' });
    await rule('owner_loose', {});
    await rule('owner_alerts', { 'twarc-cloud:deployment': deployment, 'managed-by': 'terraform' });
    const others = async () => ({
      services: { web: await serviceState(cluster, 'owner_web-frontend'), other: await serviceState(cluster, 'owner_other') },
      rules: { theirs: await ruleState('owner_theirs'), loose: await ruleState('owner_loose'), alerts: await ruleState('owner_alerts') },
      legacyRevisions: (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'owner_stream_legacy' }))).taskDefinitionArns ?? [],
    });
    const untouched = await others();
    assert.equal(untouched.services.web.status, 'ACTIVE');
    assert.equal(untouched.legacyRevisions.length, 1);

    const root = tempProject({
      'twarc-cloud.yaml': `deployment: ${deployment}\ntarget: aws\naws:\n  bucket: owner-archive\n  region: us-east-1\n`,
      'collections/search.yaml': 'id: search\ntype: search\nquery: climate\nschedule: rate(1 hour)\n',
      'collections/stream.yaml': 'id: stream\ntype: filter\nrules:\n  - value: climate\n',
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const env = awsEnv(root);
    const cli = (...args: string[]) => runCliAsync(args, { cwd: root, env });
    const NAMES = /web-frontend|owner_other|theirs|loose|alerts|legacy/;

    for (const format of ['text', 'markdown']) {
      const planned = await cli('plan', '--refresh', '--format', format);
      assert.equal(planned.status, 2, planned.stdout + planned.stderr);
      assert.doesNotMatch(planned.stdout, NAMES, `${format} plan mentions none of the others`);
      assert.doesNotMatch(planned.stdout, /[~-] (adopt|remove) /, format);
    }
    const applied = await cli('apply', '--yes');
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    assert.deepEqual(await others(), untouched, 'apply changed none of them');
    assert.equal((await serviceState(cluster, 'owner_stream_default')).tags['twarc-cloud:deployment'], deployment);

    rmSync(join(root, 'collections', 'search.yaml'));
    rmSync(join(root, 'collections', 'stream.yaml'));
    const removing = await cli('plan', '--refresh');
    assert.deepEqual(removing.stdout.match(/^- remove \S+/gm), ['- remove search', '- remove stream'], removing.stdout);
    assert.equal((await cli('apply', '--yes')).status, 0);
    assert.deepEqual(await others(), untouched, "removing this deployment's collections removed only theirs");

    writeFileSync(join(root, 'collections', 'theirs.yaml'), 'id: theirs\ntype: search\nquery: x\nschedule: rate(1 hour)\n');
    writeFileSync(join(root, 'collections', 'alerts.yaml'), 'id: alerts\ntype: search\nquery: x\nschedule: rate(1 hour)\n');
    const conflicted = await cli('plan', '--refresh');
    assert.equal(conflicted.status, 1);
    assert.match(
      conflicted.stdout,
      /Refused: collection alerts needs a resource that is not this deployment's: the EventBridge rule owner_alerts is tagged for deployment owner but for no collection/,
    );
    assert.match(
      conflicted.stdout,
      /Refused: collection theirs needs a resource that is not this deployment's: the EventBridge rule owner_theirs is tagged for collection theirs of deployment elsewhere/,
    );
    const markdown = await cli('plan', '--refresh', '--format', 'markdown');
    assert.match(markdown.stdout, /> \[!CAUTION\]\n> Refused: collection theirs/);
    const refused = await cli('apply', '--yes');
    assert.equal(refused.status, 1);
    assertNoCrash(refused);
    assert.match(refused.stderr, /apply refused/);
    assert.deepEqual(await others(), untouched);

    rmSync(join(root, 'collections', 'theirs.yaml'));
    rmSync(join(root, 'collections', 'alerts.yaml'));
    // A profile whose stream group's task definition family another deployment registered.
    writeFileSync(join(root, 'collections', 'legacy.yaml'), 'id: legacy\ntype: filter\ncredentials: legacy\nrules:\n  - value: x\n');
    const family = await cli('apply', '--yes');
    assert.equal(family.status, 1);
    assertNoCrash(family);
    assert.match(
      family.stderr,
      /refusing to add a revision to the task definition family owner_stream_legacy: it is tagged for deployment elsewhere/,
    );
    assert.deepEqual(await others(), untouched, 'no revision was added to a family that is not ours');
  });

  it("refuses in plan --refresh, as apply does, a stream group's service that another deployment tagged", async () => {
    const deployment = 'grouped';
    const { cluster } = await deploymentOnMoto(deployment, 'grouped-archive');
    const network = await motoDefaultNetwork(moto.endpoint);
    const foreign = { 'twarc-cloud:deployment': 'elsewhere', 'twarc-cloud:stream-group': 'default' };
    await ecs.send(
      new CreateServiceCommand({
        cluster,
        serviceName: `${deployment}_stream_default`,
        taskDefinition: `${deployment}-harvester`,
        desiredCount: 0,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: network.subnets, securityGroups: network.securityGroups } },
        tags: tagList(foreign),
      }),
    );
    const root = tempProject({
      'twarc-cloud.yaml': `deployment: ${deployment}\ntarget: aws\naws:\n  bucket: grouped-archive\n  region: us-east-1\n`,
      'collections/stream.yaml': 'id: stream\ntype: filter\nrules:\n  - value: climate\n',
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const env = awsEnv(root);
    const refusal =
      /refusing to plan or change the ECS service grouped_stream_default: it is .*elsewhere.*, not this deployment's stream group/;
    const planned = await runCliAsync(['plan', '--refresh'], { cwd: root, env });
    assertNoCrash(planned);
    assert.equal(planned.status, 1, planned.stdout);
    assert.match(planned.stderr, refusal);
    const applied = await runCliAsync(['apply', '--yes'], { cwd: root, env });
    assertNoCrash(applied);
    assert.equal(applied.status, 1, applied.stdout);
    assert.match(applied.stderr, refusal);
    assert.deepEqual((await serviceState(cluster, `${deployment}_stream_default`)).tags, foreign, 'left as it was');
  });
});
