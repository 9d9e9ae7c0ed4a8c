import type { HarvesterTask, ListedService, ServiceInfo, ServiceSpec, ServicesPort, TaskRun } from '../../../targets/aws/services-port.js';

export class EcsRefusal extends Error {
  constructor(
    readonly code: 'InvalidParameterException' | 'ClientException' | 'ServiceNotFoundException' | 'ServiceNotActiveException',
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

interface FakeService {
  spec: ServiceSpec;
  status: 'ACTIVE' | 'DRAINING';
  desiredCount: number;
  runningCount: number;
  taskDefinitionArn: string;
  deployments: number;
}

/**
 * ECS services in memory, keeping the rules the AWS target depends on and moto does not: a
 * service is deleted only at desired count zero; a deleted service is DRAINING (hidden from
 * ListServices, its name not reusable) until its task stops; Fargate's stopTimeout is at most
 * 120 s. Tasks "run" as soon as desired, so tests can also stop them.
 */
export class FakeServices implements ServicesPort {
  readonly services = new Map<string, FakeService>();
  readonly taskDefinitions = new Map<string, HarvesterTask>();
  private revisions = new Map<string, number>();
  readonly bases = new Set<string>(['twarc-cloud-harvester']);
  /** Keeps deleted services DRAINING until `finishDraining`, as ECS does while a task stops. */
  slowDrain = false;

  finishDraining(): void {
    for (const [name, service] of this.services) if (service.status === 'DRAINING') this.services.delete(name);
  }

  registerTaskDefinition(task: HarvesterTask): Promise<string> {
    if (!this.bases.has(task.base.split('/').pop()?.split(':')[0] ?? task.base))
      return this.refuse('ClientException', `Unable to describe task definition ${task.base}.`);
    if (task.stopTimeout > 120) return this.refuse('ClientException', 'Fargate only supports a stopTimeout of up to 120 seconds.');
    const revision = (this.revisions.get(task.family) ?? 0) + 1;
    this.revisions.set(task.family, revision);
    const arn = `arn:aws:ecs:us-east-1:123456789012:task-definition/${task.family}:${revision}`;
    this.taskDefinitions.set(arn, { ...task, command: [...task.command] });
    return Promise.resolve(arn);
  }

  /** Tasks started with runTask, in order. */
  readonly tasks: TaskRun[] = [];

  runTask(task: TaskRun): Promise<string> {
    if (
      !this.taskDefinitions.has(task.taskDefinitionArn) &&
      !this.bases.has(task.taskDefinitionArn.split('/').pop()?.split(':')[0] ?? task.taskDefinitionArn)
    )
      return this.refuse('ClientException', `TaskDefinition not found: ${task.taskDefinitionArn}`);
    this.tasks.push({ ...task, command: [...task.command] });
    return Promise.resolve(
      `arn:aws:ecs:us-east-1:123456789012:task/${task.cluster.split('/').pop() ?? 'cluster'}/${String(this.tasks.length).padStart(32, '0')}`,
    );
  }

  createService(spec: ServiceSpec): Promise<void> {
    const existing = this.services.get(spec.name);
    if (existing)
      return this.refuse(
        'InvalidParameterException',
        existing.status === 'DRAINING' ? 'Unable to Start a service that is still Draining.' : 'Creation of service was not idempotent.',
      );
    if (!this.taskDefinitions.has(spec.taskDefinitionArn))
      return this.refuse('ClientException', `TaskDefinition not found: ${spec.taskDefinitionArn}`);
    this.services.set(spec.name, {
      spec: { ...spec },
      status: 'ACTIVE',
      desiredCount: 1,
      runningCount: 1,
      taskDefinitionArn: spec.taskDefinitionArn,
      deployments: 1,
    });
    return Promise.resolve();
  }

  updateService(
    _cluster: string,
    name: string,
    change: { taskDefinitionArn?: string; desiredCount?: number; forceNewDeployment?: boolean },
  ): Promise<void> {
    const service = this.services.get(name);
    if (!service) return this.refuse('ServiceNotFoundException', 'Service not found.');
    if (service.status !== 'ACTIVE') return this.refuse('ServiceNotActiveException', 'Service was not ACTIVE.');
    if (change.taskDefinitionArn !== undefined) {
      if (!this.taskDefinitions.has(change.taskDefinitionArn)) return this.refuse('ClientException', 'TaskDefinition not found.');
      service.taskDefinitionArn = change.taskDefinitionArn;
      service.deployments += 1;
    }
    if (change.forceNewDeployment === true) service.deployments += 1;
    if (change.desiredCount !== undefined) {
      service.desiredCount = change.desiredCount;
      service.runningCount = Math.min(service.runningCount, change.desiredCount);
    }
    return Promise.resolve();
  }

  listServices(): Promise<ListedService[]> {
    return Promise.resolve(
      [...this.services.values()]
        .filter((s) => s.status === 'ACTIVE')
        .map((s) => ({ name: s.spec.name, tags: { ...s.spec.tags } }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  describeService(_cluster: string, name: string): Promise<ServiceInfo | undefined> {
    const s = this.services.get(name);
    return Promise.resolve(
      s
        ? {
            name,
            status: s.status,
            tags: { ...s.spec.tags },
            desiredCount: s.desiredCount,
            runningCount: s.runningCount,
            taskDefinitionArn: s.taskDefinitionArn,
          }
        : undefined,
    );
  }

  tagService(_cluster: string, name: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const service = this.services.get(name);
    if (!service) return this.refuse('ServiceNotFoundException', 'Service not found.');
    service.spec = { ...service.spec, tags: { ...service.spec.tags, ...tags } };
    return Promise.resolve();
  }

  taskDefinitionTags(family: string): Promise<Record<string, string> | undefined> {
    const revisions = [...this.taskDefinitions.entries()].filter(([arn]) => arn.split('/').pop()?.split(':')[0] === family);
    const newest = revisions[revisions.length - 1]?.[1];
    return Promise.resolve(newest ? { ...newest.tags } : undefined);
  }

  deleteService(_cluster: string, name: string): Promise<void> {
    const service = this.services.get(name);
    if (!service || service.status !== 'ACTIVE') return this.refuse('ServiceNotFoundException', 'Service not found.');
    if (service.desiredCount > 0)
      return this.refuse('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.');
    service.status = 'DRAINING';
    // Draining ends when the last task has stopped: at once if none runs, else when a test says so.
    if (service.runningCount === 0 && !this.slowDrain) this.services.delete(name);
    return Promise.resolve();
  }

  private refuse(code: EcsRefusal['code'], message: string): Promise<never> {
    return Promise.reject(new EcsRefusal(code, message));
  }
}
