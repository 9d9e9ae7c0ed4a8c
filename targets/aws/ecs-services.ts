import {
  ClientException,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  TagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { UserError } from '../../platform/errors.js';
import type { HarvesterTask, ListedService, ServiceInfo, ServiceSpec, ServicesPort, TaskRun } from './services-port.js';

const tagList = (tags: Readonly<Record<string, string>>): Array<{ key: string; value: string }> =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

const tagRecord = (tags: ReadonlyArray<{ key?: string | undefined; value?: string | undefined }> | undefined): Record<string, string> =>
  Object.fromEntries((tags ?? []).flatMap((t) => (t.key !== undefined && t.value !== undefined ? [[t.key, t.value]] : [])));

/** The services port on Amazon ECS (Fargate). */
export class EcsServices implements ServicesPort {
  constructor(private readonly client: ECSClient) {}

  async registerTaskDefinition(task: HarvesterTask): Promise<string> {
    const base = (await this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: task.base }))).taskDefinition;
    if (!base?.containerDefinitions?.some((c) => c.name === task.containerName)) {
      throw new Error(`the base task definition ${task.base} has no container named ${task.containerName}`);
    }
    const containers = base.containerDefinitions.map((c) =>
      c.name === task.containerName ? { ...c, command: [...task.command], stopTimeout: task.stopTimeout } : c,
    );
    const registered = await this.client.send(
      new RegisterTaskDefinitionCommand({
        family: task.family,
        containerDefinitions: containers,
        requiresCompatibilities: base.requiresCompatibilities ?? ['FARGATE'],
        networkMode: base.networkMode ?? 'awsvpc',
        ...(base.cpu !== undefined ? { cpu: base.cpu } : {}),
        ...(base.memory !== undefined ? { memory: base.memory } : {}),
        ...(base.taskRoleArn !== undefined ? { taskRoleArn: base.taskRoleArn } : {}),
        ...(base.executionRoleArn !== undefined ? { executionRoleArn: base.executionRoleArn } : {}),
        // The base's platform (ARM64 on Graviton is the module's default) and disk carry over.
        ...(base.runtimePlatform !== undefined ? { runtimePlatform: base.runtimePlatform } : {}),
        ...(base.ephemeralStorage !== undefined ? { ephemeralStorage: base.ephemeralStorage } : {}),
        tags: tagList(task.tags),
      }),
    );
    const arn = registered.taskDefinition?.taskDefinitionArn;
    if (arn === undefined) throw new Error(`ECS registered no task definition for ${task.family}`);
    return arn;
  }

  async runTask(task: TaskRun): Promise<string> {
    const result = await this.client.send(
      new RunTaskCommand({
        cluster: task.cluster,
        taskDefinition: task.taskDefinitionArn,
        count: 1,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [...task.subnets],
            securityGroups: [...task.securityGroups],
            assignPublicIp: task.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        },
        overrides: { containerOverrides: [{ name: task.containerName, command: [...task.command] }] },
      }),
    );
    const arn = result.tasks?.[0]?.taskArn;
    if (arn === undefined) {
      const failure = result.failures?.[0];
      throw new UserError(
        `ECS did not start the task: ${failure?.reason ?? 'no reason given'}${failure?.detail !== undefined ? ` (${failure.detail})` : ''}`,
        'see the cluster in the ECS console; run again when the cause is gone',
      );
    }
    return arn;
  }

  async createService(spec: ServiceSpec): Promise<void> {
    await this.client.send(
      new CreateServiceCommand({
        cluster: spec.cluster,
        serviceName: spec.name,
        taskDefinition: spec.taskDefinitionArn,
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [...spec.subnets],
            securityGroups: [...spec.securityGroups],
            assignPublicIp: spec.assignPublicIp ? 'ENABLED' : 'DISABLED',
          },
        },
        // One harvest at a time per collection: never start the new task before the old one stopped.
        deploymentConfiguration: { minimumHealthyPercent: 0, maximumPercent: 100 },
        tags: tagList(spec.tags),
        propagateTags: 'SERVICE',
      }),
    );
  }

  async updateService(
    cluster: string,
    name: string,
    change: { taskDefinitionArn?: string; desiredCount?: number; forceNewDeployment?: boolean },
  ): Promise<void> {
    await this.client.send(
      new UpdateServiceCommand({
        cluster,
        service: name,
        ...(change.taskDefinitionArn !== undefined ? { taskDefinition: change.taskDefinitionArn } : {}),
        ...(change.desiredCount !== undefined ? { desiredCount: change.desiredCount } : {}),
        ...(change.forceNewDeployment !== undefined ? { forceNewDeployment: change.forceNewDeployment } : {}),
      }),
    );
  }

  async listServices(cluster: string): Promise<ListedService[]> {
    const arns: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListServicesCommand({ cluster, maxResults: 100, ...(token !== undefined ? { nextToken: token } : {}) }),
      );
      arns.push(...(page.serviceArns ?? []));
      token = page.nextToken;
    } while (token !== undefined);
    // DescribeServices takes ten at a time and gives the tags; it also tells a deleted service
    // (which ECS no longer lists, and some emulators still do) by its status.
    const listed: ListedService[] = [];
    for (let start = 0; start < arns.length; start += 10) {
      const described = await this.client.send(
        new DescribeServicesCommand({ cluster, services: arns.slice(start, start + 10), include: ['TAGS'] }),
      );
      for (const service of described.services ?? []) {
        if (service.status !== 'ACTIVE' || service.serviceName === undefined) continue;
        listed.push({ name: service.serviceName, tags: tagRecord(service.tags) });
      }
    }
    return listed.sort((a, b) => a.name.localeCompare(b.name));
  }

  async describeService(cluster: string, name: string): Promise<ServiceInfo | undefined> {
    const found = (await this.client.send(new DescribeServicesCommand({ cluster, services: [name], include: ['TAGS'] }))).services?.[0];
    if (!found || found.status === 'INACTIVE') return undefined;
    return {
      name,
      status: found.status ?? 'ACTIVE',
      tags: tagRecord(found.tags),
      desiredCount: found.desiredCount ?? 0,
      runningCount: found.runningCount ?? 0,
      taskDefinitionArn: found.taskDefinition ?? '',
    };
  }

  async tagService(cluster: string, name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const found = (await this.client.send(new DescribeServicesCommand({ cluster, services: [name] }))).services?.[0];
    if (found?.serviceArn === undefined) throw new Error(`ECS has no service ${name} to tag`);
    await this.client.send(new TagResourceCommand({ resourceArn: found.serviceArn, tags: tagList(tags) }));
  }

  async taskDefinitionTags(family: string): Promise<Record<string, string> | undefined> {
    try {
      const found = await this.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] }));
      return found.taskDefinition ? tagRecord(found.tags) : undefined;
    } catch (error) {
      // ECS answers a family without revisions with a ClientException ("Unable to describe task definition").
      if (error instanceof ClientException) return undefined;
      throw error;
    }
  }

  async deleteService(cluster: string, name: string): Promise<void> {
    await this.client.send(new DeleteServiceCommand({ cluster, service: name }));
  }
}
