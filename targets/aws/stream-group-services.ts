/*
 * The AWS side of stream groups (docs/architecture.md, "Stream groups"): one ECS service per
 * credentials profile, running `harvest-group <profile>`, named and tagged by aws-names.ts so that
 * terraform's IAM patterns for collection services cover it unchanged.
 */

import { UserError } from '../../platform/errors.js';
import type { ArchiveObjects } from '../../platform/archive/objects.js';
import type { LiveStreamGroup, StreamGroupAction } from '../../reconciler/plan/model.js';
import type { IndexEntry } from '../../reconciler/target.js';
import {
  describeOwner,
  isStreamGroupName,
  STREAM_GROUP_TAG,
  streamGroupOwnership,
  streamGroupServiceName,
  streamGroupTags,
} from './naming/aws-names.js';
import type { ServiceInfo, ServicesPort } from './services-port.js';

/** Waits until `done` holds for the service as described (the AWS target's wait, bounded by its stop time). */
export type WaitForService = (
  service: string,
  done: (found: ServiceInfo | undefined) => boolean,
) => Promise<{ readonly found: ServiceInfo | undefined } | undefined>;

export class StreamGroupServices {
  constructor(
    private readonly deployment: ArchiveObjects['deployment'],
    private readonly services: ServicesPort,
    private readonly options: { readonly backfillMinutes: number; readonly stopTimeoutS: number },
  ) {}

  /**
   * The stream group services of this deployment, by profile, with the release the index records
   * for their members, and whether the group ended its service (scaled to zero once every member was complete).
   */
  async list(index: Readonly<Record<string, IndexEntry>>): Promise<ReadonlyMap<string, LiveStreamGroup>> {
    const name = this.deployment.deployment;
    const groups = new Map<string, LiveStreamGroup>();
    for (const service of await this.services.listServices(this.deployment.cluster)) {
      const profile = service.tags[STREAM_GROUP_TAG];
      if (!isStreamGroupName(name, service.name)) continue;
      // One named as a group of this deployment that is not ours blocks that group: plan says so, as apply would.
      refuseForeignGroup(
        `plan or change the ECS service ${service.name}`,
        'rename or remove that service',
        service.tags,
        name,
        profile ?? '',
      );
      if (profile === undefined || streamGroupOwnership(service.tags, name, profile) !== 'ours') continue;
      // Which release a group runs is what apply recorded for its members; listing does not tell it.
      const release = Object.values(index).find((e) => e.stream_group === profile && e.release !== undefined)?.release;
      const ended = (await this.services.describeService(this.deployment.cluster, service.name))?.desiredCount === 0;
      groups.set(profile, { ...(release !== undefined ? { release } : {}), ...(ended ? { ended } : {}) });
    }
    return groups;
  }

  /** A stream group's service: created (or rolled onto the release) before its members apply, removed after the last left. */
  async run(action: StreamGroupAction, waitForService: WaitForService): Promise<void> {
    const name = this.deployment.deployment;
    const cluster = this.deployment.cluster;
    const service = streamGroupServiceName(name, action.group);
    const current = await this.services.describeService(cluster, service);
    if (current)
      refuseForeignGroup(`plan or change the ECS service ${service}`, 'rename or remove that service', current.tags, name, action.group);
    if (action.kind === 'stop-stream-group') {
      if (current?.status !== 'ACTIVE') return;
      await this.services.updateService(cluster, service, { desiredCount: 0 });
      await waitForService(service, (found) => !found || found.runningCount === 0);
      await this.services.deleteService(cluster, service);
      return;
    }
    await this.startOrRoll(action, await this.drained(service, current, waitForService), await this.registerGroupTask(action.group));
  }

  /** A service removed moments ago drains until its task stops, and ECS will not reuse its name before: wait it out. */
  private async drained(
    service: string,
    current: ServiceInfo | undefined,
    waitForService: WaitForService,
  ): Promise<ServiceInfo | undefined> {
    if (current?.status !== 'DRAINING') return current;
    const settled = await waitForService(service, (found) => found?.status !== 'DRAINING');
    if (!settled)
      throw new UserError(`the ECS service ${service} is still draining from its removal`, 'apply again once its task has stopped');
    return settled.found;
  }

  private async startOrRoll(action: StreamGroupAction, current: ServiceInfo | undefined, taskDefinitionArn: string): Promise<void> {
    const name = this.deployment.deployment;
    const cluster = this.deployment.cluster;
    const service = streamGroupServiceName(name, action.group);
    const tags = streamGroupTags(name, action.group);
    if (current?.status === 'ACTIVE') {
      await this.services.updateService(cluster, service, {
        taskDefinitionArn,
        desiredCount: 1,
        forceNewDeployment: action.kind === 'roll-stream-group',
      });
      await this.services.tagService(cluster, service, tags);
      return;
    }
    await this.services.createService({
      name: service,
      cluster,
      taskDefinitionArn,
      subnets: this.deployment.subnets,
      securityGroups: this.deployment.security_groups,
      assignPublicIp: this.deployment.assign_public_ip ?? true,
      tags,
    });
  }

  private async registerGroupTask(profile: string): Promise<string> {
    const name = this.deployment.deployment;
    const backfill = this.options.backfillMinutes;
    const family = streamGroupServiceName(name, profile);
    const existing = await this.services.taskDefinitionTags(family);
    if (existing)
      refuseForeignGroup(
        `add a revision to the task definition family ${family}`,
        'rename or deregister that family',
        existing,
        name,
        profile,
      );
    return this.services.registerTaskDefinition({
      family,
      base: this.deployment.task_definition,
      containerName: this.deployment.container_name,
      command: [
        'harvest-group',
        profile,
        '--control-host',
        '0.0.0.0',
        '--control-port',
        String(this.deployment.control_port ?? 8080),
        ...(backfill > 0 ? ['--backfill-minutes', String(backfill)] : []),
        // Once every member has stored its max_records the group ends its service, which ECS would start again.
        '--ecs-cluster',
        this.deployment.cluster,
        '--ecs-service',
        streamGroupServiceName(name, profile),
      ],
      stopTimeout: this.options.stopTimeoutS,
      tags: streamGroupTags(name, profile),
    });
  }
}

/** A resource with a stream group's name that another deployment (or nobody) tagged is never changed, nor planned around. */
function refuseForeignGroup(
  action: string,
  fix: string,
  tags: Readonly<Record<string, string>>,
  deployment: string,
  profile: string,
): void {
  if (streamGroupOwnership(tags, deployment, profile) !== 'foreign') return;
  throw new UserError(
    `refusing to ${action}: it is ${describeOwner(tags)}, not this deployment's stream group`,
    `${fix}, or give this deployment another name`,
  );
}
