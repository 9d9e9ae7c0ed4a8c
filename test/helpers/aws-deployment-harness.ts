/*
 * The AWS deployment the end-to-end test drives: the Terraform CLI applies terraform/ to
 * moto_server behind a proxy that records every AWS call; the fake X API; an ECS task runner that
 * starts tasks as real harvester-bundle processes; a collections repository; and the ways the test
 * acts on them as production would (the CLI under a role's key, a schedule fired from its target).
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECSClient, RunTaskCommand, type ContainerOverride } from '@aws-sdk/client-ecs';
import { EventBridgeClient, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { pollUntil } from '../../platform/async.js';
import { createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { bundle } from '../../scripts/bundle.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER } from './archive-fixtures.js';
import { AwsFaultProxy } from './aws-fault-proxy.js';
import { EcsTaskRunner, type RanTask } from './ecs-task-runner.js';
import { motoWorld } from './iam/moto-world.js';
import type { PolicyDocument } from './iam/policy-evaluation.js';
import { roleCallsOf, type RoleCall } from './iam/role-check.js';
import { startMoto, type Moto } from './moto.js';
import { runCliAsync, type CliResult } from './run-cli.js';
import { tempProject } from './temp-project.js';
import { terraformDeployment, type TerraformDeployment } from './terraform-deployment.js';

export const region = 'us-east-1';
export const account = '123456789012';
export const deployment = 'tc-e2e';
export const bucket = `${deployment}-archive`;
export const admin = { accessKeyId: 'test', secretAccessKey: 'test' };
/** Each production role's calls are signed with a key of its own, so the proxy can tell them apart. */
export const ROLE_KEYS = {
  plan: 'AKIATCE2EPLANROLE01',
  apply: 'AKIATCE2EAPPLYROLE1',
  task: 'AKIATCE2ETASKROLE01',
  events: 'AKIATCE2EEVENTSROLE',
} as const;
export const ROLE_NAMES = {
  plan: `${deployment}-github-plan`,
  apply: `${deployment}-github-apply`,
  task: `${deployment}-harvester-task`,
  events: `${deployment}-events`,
  execution: `${deployment}-harvester-execution`,
} as const;

export class AwsDeployment {
  /** Read from deployment.json once Terraform has applied (the first test). */
  clusterArn = '';

  private constructor(
    readonly moto: Moto,
    readonly proxy: AwsFaultProxy,
    readonly proxyUrl: string,
    readonly fake: FakeXApi,
    readonly tf: TerraformDeployment,
    readonly ecs: ECSClient,
    readonly runner: EcsTaskRunner,
    readonly store: S3ArchiveStore,
    readonly project: string,
  ) {}

  static async start(): Promise<AwsDeployment> {
    const moto = await startMoto();
    const proxy = new AwsFaultProxy(moto.endpoint);
    const proxyUrl = await proxy.start();
    const fake = new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 5, searchTweets: 40 },
      stream: { tweets: 1_000_000, perSecond: 50, keepAliveMs: 200 },
    });
    await fake.start();
    const tf = await terraformDeployment(moto.endpoint, {
      deployment,
      region,
      bucket_name: bucket,
      github_repository: 'lab/collections',
      image_tag: 'v1',
    });
    await tf.apply();
    const ecs = new ECSClient({ endpoint: moto.endpoint, region, credentials: admin });
    const ssm = new SSMClient({ endpoint: moto.endpoint, region, credentials: admin });
    await ssm.send(
      new PutParameterCommand({ Name: `/${deployment}/credentials/default/bearer_token`, Type: 'SecureString', Value: SECRET_BEARER }),
    );
    ssm.destroy();
    const store = new S3ArchiveStore(createS3Client({ endpoint: moto.endpoint, region, forcePathStyle: true, credentials: admin }), {
      bucket,
      prefix: '',
    });
    const app = mkdtempSync(join(tmpdir(), 'twarc-cloud-image-'));
    mkdirSync(join(app, 'dist', 'bundle'), { recursive: true });
    await bundle(join(app, 'dist', 'bundle', 'twarc-cloud.mjs'));
    cpSync(join(PACKAGE_ROOT, 'package.json'), join(app, 'package.json'));
    cpSync(join(PACKAGE_ROOT, 'schemas'), join(app, 'schemas'), { recursive: true });
    const runner = new EcsTaskRunner({
      ecs,
      appDir: app,
      region,
      account,
      taskEnv: {
        ...keyEnv(proxyUrl, ROLE_KEYS.task),
        HOME: app,
        TWARC_CLOUD_API_BASE_URL: fake.baseUrl,
        TWARC_CLOUD_STOP_POLL_MS: '200',
        TWARC_CLOUD_COMPLIANCE_POLL_MS: '100',
        TWARC_CLOUD_BACKOFF_SCALE: '0.002',
      },
    });
    proxy.intercept = runner.answerRunTask;
    const project = tempProject({
      'twarc-cloud.yaml': `deployment: ${deployment}\ntarget: aws\naws:\n  bucket: ${bucket}\n  region: ${region}\n`,
      'collections/climate.yaml':
        'id: climate\ntype: search\nquery: climate\nschedule: rate(1 hour)\ncompliance:\n  schedule: rate(7 days)\n',
      'collections/live.yaml': 'id: live\ntype: filter\nrules:\n  - value: climate\noutput:\n  tweets_per_file: 100\n',
      'collections/threads.yaml':
        'id: threads\ntype: conversation\nfrom_collection:\n  id: climate\n  min_replies: 0\nmax_conversations: 5\nschedule: rate(1 day)\n',
      'collections/paused.yaml': "id: paused\ntype: user_timeline\nstate: suspended\nusers:\n  '1000000':\n    screen_name: user_0\n",
    });
    execFileSync('git', ['-C', project, 'init', '-q']);
    return new AwsDeployment(moto, proxy, proxyUrl, fake, tf, ecs, runner, store, project);
  }

  async stop(): Promise<void> {
    await this.runner.stopAll();
    this.ecs.destroy();
    await this.fake.stop();
    await this.proxy.stop();
    await this.moto.stop();
  }

  /** The CLI as the workflows run it: the plan role's key for plan, drift and users sync, the apply role's for apply. */
  async cli(role: 'plan' | 'apply', ...args: string[]): Promise<CliResult> {
    const from = this.proxy.exchanges.length;
    const stopFollowing = this.runner.followServices(this.clusterArn);
    try {
      const result = await runCliAsync([...args, '--target', 'aws'], {
        cwd: this.project,
        env: { ...keyEnv(this.proxyUrl, ROLE_KEYS[role]), CI: '', GITHUB_ACTOR: '', TWARC_CLOUD_API_BASE_URL: this.fake.baseUrl },
      });
      if (result.status === 0 || result.status === 2) return result;
      // A failure names the AWS answers that were errors: what moto or the policies refused.
      const refused = this.proxy.exchanges
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
      await this.runner.reconcileServices(this.clusterArn);
    }
  }

  /** EventBridge's invocation of a rule's ECS target: RunTask, as its role, with what the target holds. */
  async fireSchedule(rule: string): Promise<RanTask> {
    const events = new EventBridgeClient({ endpoint: this.moto.endpoint, region, credentials: admin });
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
    const asEvents = new ECSClient({
      endpoint: this.proxyUrl,
      region,
      credentials: { accessKeyId: ROLE_KEYS.events, secretAccessKey: 'test' },
    });
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
    const task = this.runner.tasks.find((t) => t.arn === started.tasks?.[0]?.taskArn);
    assert.ok(task, `ECS started a task for ${rule}`);
    return task;
  }

  async finished(task: RanTask): Promise<void> {
    const { code } = await task.exit;
    assert.equal(code, 0, `task ${task.command.join(' ')} exited ${String(code)}:\n${task.output()}`);
  }

  async recordedCalls(): Promise<{ calls: RoleCall[]; policiesOf: (role: string) => ReadonlyMap<string, PolicyDocument> }> {
    const world = await motoWorld(this.ecs, region, account);
    const roleOfKey = new Map<string, string>(
      (Object.keys(ROLE_KEYS) as Array<keyof typeof ROLE_KEYS>).map((role) => [ROLE_KEYS[role], ROLE_NAMES[role]]),
    );
    const calls = [
      ...roleCallsOf(this.proxy.exchanges, roleOfKey, world),
      ...this.runner.executionCalls.map((call) => ({ role: ROLE_NAMES.execution, call })),
    ];
    const roles = await this.tf.roles();
    return {
      calls,
      policiesOf: (role) => {
        const rendered = roles.get(role);
        if (!rendered) throw new Error(`Terraform rendered no role ${role}`);
        return rendered.policies;
      },
    };
  }

  async waitFor<T>(probe: () => Promise<T | undefined>, what: string, watched?: RanTask): Promise<T> {
    const found = await pollUntil(probe, { intervalMs: 200, timeoutMs: 60_000 });
    if (found === undefined) throw new Error(`no ${what} within 60 s${watched ? `:\n${watched.output()}` : ''}`);
    return found;
  }
}

function keyEnv(proxyUrl: string, key: string): NodeJS.ProcessEnv {
  return { AWS_ENDPOINT_URL: proxyUrl, AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: region };
}
