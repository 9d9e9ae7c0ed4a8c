/*
 * What ECS Fargate does with a task, done on this machine: moto records RunTask and services but
 * runs nothing, so this runner reads each task's definition back from moto and starts the image's
 * entrypoint (the Dockerfile's ENTRYPOINT, with /app at the bundle's directory) with the
 * definition's command and environment, the RunTask overrides on top, and the task role's
 * credentials, as the Fargate agent would. Services are followed the same way: a service that
 * wants a task gets one from its task definition; a new task definition or a desired count of 0
 * sends SIGTERM to the running one, as ECS does, and the exit code is kept for the test to judge.
 *
 * What differs from Fargate, and why: each task gets a free control port in place of the one its
 * command names (in awsvpc every task has a network namespace of its own; here they share one),
 * and the test's knobs (the fake X API's URL, a short stop poll) are added to the environment.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListServicesCommand,
  type ContainerOverride,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import type { Interceptor } from './aws-fault-proxy.js';
import type { CheckedCall } from './iam/wire-calls.js';
import { checkedCall } from './iam/wire-calls.js';
import { freePort } from './moto.js';

export interface TaskRunnerOptions {
  readonly ecs: ECSClient;
  /** Where /app of the image is: holds dist/bundle/twarc-cloud.mjs, package.json, schemas/. */
  readonly appDir: string;
  /** The environment every task gets besides its definition's: the task role's keys, the endpoint, test knobs. */
  readonly taskEnv: NodeJS.ProcessEnv;
  readonly region: string;
  readonly account: string;
}

export interface RanTask {
  readonly arn: string;
  readonly taskDefinitionArn: string;
  readonly command: readonly string[];
  /** The service it runs for, if any. */
  readonly service: string | undefined;
  readonly process: ChildProcess;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** The image's ENTRYPOINT, from the Dockerfile the image is built from. */
function entrypoint(appDir: string): string[] {
  const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(readFileSync(join(PACKAGE_ROOT, 'Dockerfile'), 'utf8'))?.[1];
  if (line === undefined) throw new Error('the Dockerfile has no exec-form ENTRYPOINT');
  return (JSON.parse(line) as string[]).map((part) => part.replace(/^\/app(?=\/)/, appDir));
}

export class EcsTaskRunner {
  readonly tasks: RanTask[] = [];
  /** What the execution role did for each task (pull the image, write the log), as IAM requests. */
  readonly executionCalls: CheckedCall[] = [];
  private taskCount = 0;

  constructor(private readonly options: TaskRunnerOptions) {}

  /** Starts a task as RunTask (by ECS or EventBridge) asked for it. */
  async run(taskDefinition: string, overrides: readonly ContainerOverride[] = [], service?: string, arn?: string): Promise<RanTask> {
    const described = await this.options.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    const definition = described.taskDefinition;
    const container = definition?.containerDefinitions?.[0];
    if (definition?.taskDefinitionArn === undefined || container === undefined)
      throw new Error(`moto has no task definition ${taskDefinition}`);
    const override = overrides.find((o) => o.name === container.name);
    const command = [...(override?.command ?? container.command ?? [])];
    const portAt = command.indexOf('--control-port');
    if (portAt >= 0) command[portAt + 1] = String(await freePort());
    const environment = Object.fromEntries(
      [...(container.environment ?? []), ...(override?.environment ?? [])].map((pair) => [pair.name ?? '', pair.value ?? '']),
    );
    this.taskCount += 1;
    const taskArn =
      arn ?? `arn:aws:ecs:${this.options.region}:${this.options.account}:task/runner/${String(this.taskCount).padStart(32, '0')}`;
    this.recordExecution(container.image ?? '', container.logConfiguration?.options ?? {}, container.name ?? '', taskArn);
    const [program = '', ...programArgs] = entrypoint(this.options.appDir);
    const child = spawn(program === 'node' ? process.execPath : program, [...programArgs, ...command], {
      cwd: this.options.appDir,
      env: { PATH: process.env['PATH'], AWS_REGION: this.options.region, ...environment, ...this.options.taskEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('close', (code, signal) => {
        resolve({ code, signal });
      });
    });
    const task: RanTask = {
      arn: taskArn,
      taskDefinitionArn: definition.taskDefinitionArn,
      command,
      service,
      process: child,
      exit,
      output: () => output,
    };
    this.tasks.push(task);
    return task;
  }

  /**
   * One pass of ECS's service scheduler over the cluster: a service that wants a task and has none
   * on its current task definition gets one; a task whose service is gone, scaled to 0 or moved to
   * another task definition gets SIGTERM (and is awaited). Returns the tasks it stopped.
   */
  async reconcileServices(cluster: string): Promise<RanTask[]> {
    const arns = (await this.options.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
    const services =
      arns.length === 0 ? [] : ((await this.options.ecs.send(new DescribeServicesCommand({ cluster, services: arns }))).services ?? []);
    const stopped: RanTask[] = [];
    for (const task of this.running().filter((t) => t.service !== undefined)) {
      const service = services.find((s) => s.serviceName === task.service && s.status === 'ACTIVE');
      if (service?.desiredCount === 1 && service.taskDefinition === task.taskDefinitionArn) continue;
      task.process.kill('SIGTERM');
      await task.exit;
      stopped.push(task);
    }
    for (const service of services) {
      if (service.status !== 'ACTIVE' || service.desiredCount !== 1 || service.taskDefinition === undefined) continue;
      if (this.running().some((t) => t.service === service.serviceName)) continue;
      await this.run(service.taskDefinition, [], service.serviceName);
    }
    return stopped;
  }

  /**
   * Answers ECS RunTask in moto's place (moto's RunTask fails on a Fargate task definition without
   * container-level memory, which Fargate does not need): it checks what ECS checks for a Fargate
   * task (the task definition exists, awsvpc subnets are given) and starts the task.
   */
  readonly answerRunTask: Interceptor = async (request) => {
    if (request.headers['x-amz-target'] !== 'AmazonEC2ContainerServiceV20141113.RunTask') return undefined;
    const params = JSON.parse(request.body) as {
      cluster?: string;
      taskDefinition?: string;
      launchType?: string;
      networkConfiguration?: { awsvpcConfiguration?: { subnets?: string[] } };
      overrides?: { containerOverrides?: ContainerOverride[] };
    };
    const fault = (code: string, message: string): { status: number; body: string } => ({
      status: 400,
      body: JSON.stringify({ __type: code, message }),
    });
    if ((params.networkConfiguration?.awsvpcConfiguration?.subnets ?? []).length === 0)
      return fault('InvalidParameterException', "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    let task: RanTask;
    try {
      task = await this.run(params.taskDefinition ?? '', params.overrides?.containerOverrides ?? []);
    } catch {
      return fault('ClientException', 'TaskDefinition not found.');
    }
    const body = {
      tasks: [
        {
          taskArn: task.arn,
          clusterArn: params.cluster,
          taskDefinitionArn: task.taskDefinitionArn,
          launchType: params.launchType ?? 'FARGATE',
          lastStatus: 'PROVISIONING',
          desiredStatus: 'RUNNING',
          overrides: params.overrides ?? { containerOverrides: [] },
        },
      ],
      failures: [],
    };
    return { status: 200, body: JSON.stringify(body) };
  };

  /** Acts as ECS's scheduler does, concurrently with the test: one pass every intervalMs until the returned function is called. */
  followServices(cluster: string, intervalMs = 250): () => Promise<void> {
    const state = { following: true };
    const loop = (async () => {
      while (state.following) {
        await this.reconcileServices(cluster);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
    return async () => {
      state.following = false;
      await loop;
    };
  }

  running(): RanTask[] {
    return this.tasks.filter((task) => task.process.exitCode === null && task.process.signalCode === null);
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.running().map((task) => {
        task.process.kill('SIGKILL');
        return task.exit;
      }),
    );
  }

  private recordExecution(image: string, log: Record<string, string>, container: string, taskArn: string): void {
    const arn = (service: string, resource: string): string =>
      `arn:aws:${service}:${this.options.region}:${this.options.account}:${resource}`;
    const repository = /^[^/]+\/(.+?)(?::[^:/]+)?$/.exec(image)?.[1] ?? image;
    const call = `ECS pulls ${image} and writes the task's log`;
    this.executionCalls.push(
      checkedCall({ call, action: 'ecr:GetAuthorizationToken', resource: '*', context: {} }),
      ...['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'].map((action) =>
        checkedCall({ call, action, resource: arn('ecr', `repository/${repository}`), context: {} }),
      ),
      ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) =>
        checkedCall({
          call,
          action,
          resource: arn(
            'logs',
            `log-group:${log['awslogs-group'] ?? ''}:log-stream:${log['awslogs-stream-prefix'] ?? ''}/${container}/${taskArn.split('/').pop() ?? ''}`,
          ),
          context: {},
        }),
      ),
    );
  }
}
