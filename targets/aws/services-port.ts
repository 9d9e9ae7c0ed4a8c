/*
 * Long-running filter harvests: ECS services of one Fargate task. The port is what the AWS target
 * needs; an SDK adapter (ecs-services.ts) and an in-memory fake that keeps ECS's rules (test/fakes/)
 * implement it, and one contract suite holds both to the same behaviour.
 */

export interface HarvesterTask {
  /** The task definition family to register this collection's revisions under. */
  readonly family: string;
  /** The deployment's base task definition (family or ARN), whose harvester container is reused. */
  readonly base: string;
  readonly containerName: string;
  readonly command: readonly string[];
  /** Seconds ECS waits after SIGTERM before SIGKILL; Fargate allows at most 120. */
  readonly stopTimeout: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ServiceSpec {
  readonly name: string;
  readonly cluster: string;
  readonly taskDefinitionArn: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly assignPublicIp: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/** A service as listed: its name and its tags, which tell whose it is. */
export interface ListedService {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One harvest started as a task now: the base task definition with the collection's command. */
export interface TaskRun {
  readonly cluster: string;
  readonly taskDefinitionArn: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly assignPublicIp: boolean;
  readonly containerName: string;
  readonly command: readonly string[];
}

export interface ServiceInfo {
  readonly name: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly taskDefinitionArn: string;
}

export interface ServicesPort {
  /** Registers a revision of the collection's task definition, derived from the base; returns its ARN. */
  registerTaskDefinition(task: HarvesterTask): Promise<string>;
  createService(spec: ServiceSpec): Promise<void>;
  /** Starts one task now (a schedule's first harvest, `run --target aws`); returns its ARN. */
  runTask(task: TaskRun): Promise<string>;
  updateService(
    cluster: string,
    name: string,
    change: { readonly taskDefinitionArn?: string; readonly desiredCount?: number; readonly forceNewDeployment?: boolean },
  ): Promise<void>;
  /** The cluster's active services with their tags (ECS hides deleted, draining ones from its list). */
  listServices(cluster: string): Promise<ListedService[]>;
  describeService(cluster: string, name: string): Promise<ServiceInfo | undefined>;
  /** Sets these tags on the service (others stay): how an adopted service becomes this deployment's. */
  tagService(cluster: string, name: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** The tags of the newest revision of a task definition family; undefined when the family has none. */
  taskDefinitionTags(family: string): Promise<Record<string, string> | undefined>;
  /** Deletes a service scaled to zero (ECS refuses otherwise). */
  deleteService(cluster: string, name: string): Promise<void>;
}
