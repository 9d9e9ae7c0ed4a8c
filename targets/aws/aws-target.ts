import { pollUntil } from '../../platform/async.js';
import { UserError } from '../../platform/errors.js';
import type { ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import {
  collectionIdOfComplianceRule,
  collectionIdOfName,
  complianceRuleName,
  collectionNamePrefix,
  describeOwner,
  ownershipOf,
  ownershipTags,
  type Ownership,
  scheduleRuleName,
  serviceName,
  taskDefinitionFamily,
} from './naming/aws-names.js';
import { stopAndReport } from '../../reconciler/stop/stop-harvest.js';
import type { LiveStreamGroup, PlannedAction, Runtime, RuntimeStep, StreamGroupAction } from '../../reconciler/plan/model.js';
import { recordedRuntime, type HarvestNowOptions, type IndexEntry, type Target } from '../../reconciler/target.js';
import type { RunTaskTarget, ScheduleRule, SchedulesPort } from './schedules-port.js';
import type { ServiceInfo, ServicesPort } from './services-port.js';
import { StreamGroupServices } from './stream-group-services.js';
import { assertHarvestableNow, taskLog } from './harvest-task.js';
import { scheduledComplianceCommand } from '../../platform/harvester-launch.js';

export type DeploymentDocument = ArchiveObjects['deployment'];

/** What a scheduled harvest runs: the container's command, as EventBridge's override and RunTask's give it. */
const harvestCommand = (id: string): string[] => ['harvest', id];

export interface AwsTargetOptions {
  readonly actor: string;
  /** How long to wait for a harvest to finish after a stop request, and for a stopped task. */
  readonly stopWaitMs: number;
  readonly report: (line: string) => void;
  /** How often to look at a service being scaled down. */
  readonly pollMs?: number;
  /** False: a service per filter collection (`aws.stream_groups: false`, deprecated); otherwise one stream group service per profile. */
  readonly streamGroups?: boolean;
  /** Minutes of backfill a group asks for on reconnecting (Enterprise access: 5), 0 for none. */
  readonly backfillMinutes?: number;
}

/** ECS allows a task this long between SIGTERM and SIGKILL on Fargate; the harvester finalizes within it. */
const FARGATE_STOP_TIMEOUT_S = 120;

/**
 * The AWS target: scheduled collections are EventBridge rules that run the harvester on Fargate;
 * filter collections stream in their profile's stream group, an ECS service of one task (with the
 * deprecated `aws.stream_groups: false`, each in a service of its own). Resource names and
 * ownership tags come from aws-names.ts; a resource without this deployment's tag is never
 * changed or deleted.
 */
export class AwsTarget implements Target {
  readonly name = 'aws';
  /** Apply starts a new schedule's first harvest as a task at once. */
  readonly startsFirstHarvest = true;

  get groupsStreams(): boolean {
    return this.options.streamGroups !== false;
  }

  get release(): string {
    return this.deployment.task_definition;
  }

  private readonly groups: StreamGroupServices;

  constructor(
    readonly store: ArchiveStore,
    private readonly deployment: DeploymentDocument,
    private readonly schedules: SchedulesPort,
    private readonly services: ServicesPort,
    private readonly options: AwsTargetOptions,
  ) {
    this.groups = new StreamGroupServices(deployment, services, {
      backfillMinutes: options.backfillMinutes ?? 0,
      stopTimeoutS: FARGATE_STOP_TIMEOUT_S,
    });
  }

  /**
   * Without refresh, what the index records (no request at all); with it, one listing of rules and
   * one of services (paged, with their tags), plus the tags of rules the index does not know. Each
   * resource's owner follows the one rule of naming/aws-names.ts.
   */
  async readRuntime(index: Readonly<Record<string, IndexEntry>>, options: { refresh?: boolean } = {}): Promise<Map<string, Runtime>> {
    if (options.refresh !== true) return recordedRuntime(index);
    const name = this.deployment.deployment;
    const found = new Map<string, { runtime: Runtime; owners: Array<{ ownership: Ownership; what: string }> }>();
    const entry = (id: string): { runtime: Runtime; owners: Array<{ ownership: Ownership; what: string }> } => {
      const existing = found.get(id) ?? { runtime: {}, owners: [] };
      found.set(id, existing);
      return existing;
    };
    const [rules, services] = await Promise.all([
      this.schedules.listRules(collectionNamePrefix(name)),
      this.services.listServices(this.deployment.cluster),
    ]);
    for (const rule of rules) {
      // A collection's harvest schedule, or its compliance schedule; any other name is not a collection's.
      const checked = collectionIdOfComplianceRule(name, rule.name);
      const id = checked ?? collectionIdOfName(name, rule.name);
      if (id === undefined) continue;
      // A rule the index knows was made by an apply of this deployment; any other shows its owner by its tags.
      const tags = index[id] !== undefined ? ownershipTags(name, id) : await this.schedules.tagsOf(rule.name);
      const it = entry(id);
      // Which release a rule's target runs is what apply recorded; listing rules does not tell it.
      const release = index[id]?.release !== undefined ? { release: index[id].release } : {};
      it.runtime =
        checked !== undefined
          ? { ...it.runtime, compliance: { expression: rule.expression, ...(rule.enabled ? {} : { disabled: true as const }), ...release } }
          : { ...it.runtime, schedule: { expression: rule.expression, enabled: rule.enabled, ...release } };
      it.owners.push({ ownership: ownershipOf(tags, name, id), what: `the EventBridge rule ${rule.name} is ${describeOwner(tags)}` });
    }
    for (const service of services) {
      const id = collectionIdOfName(name, service.name);
      if (id === undefined) continue;
      // Which release a service runs is what apply recorded; listing does not tell it.
      const release = index[id]?.release;
      const it = entry(id);
      it.runtime = { ...it.runtime, service: { running: true, ...(release !== undefined ? { release } : {}) } };
      it.owners.push({
        ownership: ownershipOf(service.tags, name, id),
        what: `the ECS service ${service.name} is ${describeOwner(service.tags)}`,
      });
    }
    // Membership of a stream group is the index's to say; the group's own service is listed by readStreamGroups.
    for (const [id, recorded] of recordedRuntime(index))
      if (recorded.streamGroup) entry(id).runtime = { ...entry(id).runtime, streamGroup: recorded.streamGroup };
    const runtime = new Map<string, Runtime>();
    for (const [id, { runtime: resources, owners }] of found) {
      const foreign = owners.find((o) => o.ownership === 'foreign');
      if (foreign) runtime.set(id, { ...resources, owner: 'foreign', foreign: foreign.what });
      else if (owners.some((o) => o.ownership === 'untagged')) runtime.set(id, { ...resources, owner: 'untagged' });
      else runtime.set(id, resources);
    }
    return runtime;
  }

  async runStep(step: RuntimeStep, action: PlannedAction, signal?: AbortSignal): Promise<void> {
    const name = this.deployment.deployment;
    const id = action.id;
    switch (step.kind) {
      case 'stop-harvests':
        return this.stopHarvest(id, signal);
      case 'put-schedule':
        return this.putRunTaskRule(
          {
            name: scheduleRuleName(name, id),
            expression: step.expression,
            enabled: step.enabled,
            description: `twarc-cloud ${name}: harvest ${id}`,
          },
          action,
          harvestCommand(id),
        );
      case 'put-compliance-schedule':
        return this.putRunTaskRule(
          {
            name: complianceRuleName(name, id),
            expression: step.expression,
            enabled: true,
            description: `twarc-cloud ${name}: compliance checks of ${id}`,
          },
          action,
          scheduledComplianceCommand(id),
        );
      case 'delete-compliance-schedule': {
        const rule = complianceRuleName(name, id);
        this.refuseForeign('delete', `the EventBridge rule ${rule}`, id, await this.schedules.tagsOf(rule));
        return this.schedules.deleteRule(rule);
      }
      case 'start-harvest': {
        const task = await this.runHarvestTask(id);
        this.options.report(`  ${id}: first harvest started as ECS task ${task}`);
        return;
      }
      case 'delete-schedule':
        this.refuseForeign(
          'delete',
          `the EventBridge rule ${scheduleRuleName(name, id)}`,
          id,
          await this.schedules.tagsOf(scheduleRuleName(name, id)),
        );
        return this.schedules.deleteRule(scheduleRuleName(name, id));
      case 'start-service':
        if (await this.serviceExists(id)) {
          // Made before the index knew it (a lost index, or an adopted service): roll it instead, and make it ours.
          await this.services.updateService(this.deployment.cluster, serviceName(name, id), {
            taskDefinitionArn: await this.registerStreamTask(id),
            desiredCount: 1,
          });
          await this.services.tagService(this.deployment.cluster, serviceName(name, id), ownershipTags(name, id));
          return;
        }
        await this.services.createService({
          name: serviceName(name, id),
          cluster: this.deployment.cluster,
          taskDefinitionArn: await this.registerStreamTask(id),
          subnets: this.deployment.subnets,
          securityGroups: this.deployment.security_groups,
          assignPublicIp: this.deployment.assign_public_ip ?? true,
          tags: ownershipTags(name, id),
        });
        return;
      case 'restart-service':
        // ECS stops the old task (SIGTERM: the harvest finalizes) before it starts the new one.
        await this.services.updateService(this.deployment.cluster, serviceName(name, id), {
          taskDefinitionArn: await this.registerStreamTask(id),
          forceNewDeployment: true,
        });
        await this.services.tagService(this.deployment.cluster, serviceName(name, id), ownershipTags(name, id));
        return;
      case 'stop-service':
        return this.removeService(id, signal);
      case 'join-stream-group':
      case 'leave-stream-group':
      case 'change-stream-rules':
        // The group's harvester follows the index that apply writes: joins, rule changes and leaves need no call.
        return;
    }
  }

  readStreamGroups(
    index: Readonly<Record<string, IndexEntry>>,
    options: { readonly refresh?: boolean } = {},
  ): Promise<ReadonlyMap<string, LiveStreamGroup> | undefined> {
    return options.refresh === true && this.groupsStreams ? this.groups.list(index) : Promise.resolve(undefined);
  }

  runStreamGroupStep(action: StreamGroupAction, signal?: AbortSignal): Promise<void> {
    return this.groups.run(action, (service, done) => this.waitForService(service, done, signal));
  }

  /** Creates or updates one of the collection's rules, tagged as its own, whose target runs `command` as a task. */
  private async putRunTaskRule(rule: ScheduleRule, action: PlannedAction, command: readonly string[]): Promise<void> {
    const tags = ownershipTags(this.deployment.deployment, action.id);
    await this.schedules.putRule(rule, tags);
    // A rule made before (by hand, or by a lost index) keeps its tags on update: taking it over tags it.
    if (action.kind === 'adopt') await this.schedules.tagRule(rule.name, tags);
    await this.schedules.putTarget(rule.name, this.taskTarget(command));
  }

  /** What a rule's target runs: the base task definition with this command, in the deployment's network, as the events role. */
  private taskTarget(command: readonly string[]): RunTaskTarget {
    return {
      clusterArn: this.deployment.cluster,
      taskDefinitionArn: this.deployment.task_definition,
      roleArn: this.deployment.events_role_arn,
      subnets: this.deployment.subnets,
      securityGroups: this.deployment.security_groups,
      assignPublicIp: this.deployment.assign_public_ip ?? true,
      containerName: this.deployment.container_name,
      command,
      ...(this.deployment.dead_letter_queue !== undefined ? { deadLetterQueueArn: this.deployment.dead_letter_queue } : {}),
    };
  }

  /**
   * Starts one harvest of the collection now, as its schedule would: the base task definition with
   * the collection's command, in the deployment's network. Returns the task's ARN.
   */
  /** Starts the harvest as an ECS task, as its schedule would, and says how to follow it. */
  async harvestNow(id: string, options: HarvestNowOptions): Promise<number> {
    await assertHarvestableNow(this.store, id);
    const task = await this.runHarvestTask(id);
    options.say(`Started harvest of ${id} as ECS task ${task}`);
    const log = taskLog(this.deployment, task);
    if (log) options.say(`Follow its log:  aws logs tail ${log.group} --log-stream-names ${log.stream} --follow`);
    options.say(`Its progress:    twarc-cloud status ${id} --target aws`);
    return 0;
  }

  private async runHarvestTask(id: string): Promise<string> {
    return this.services.runTask({
      cluster: this.deployment.cluster,
      taskDefinitionArn: this.deployment.task_definition,
      subnets: this.deployment.subnets,
      securityGroups: this.deployment.security_groups,
      assignPublicIp: this.deployment.assign_public_ip ?? true,
      containerName: this.deployment.container_name,
      command: harvestCommand(id),
    });
  }

  /** True when the service is active; waits out one that is still draining (ECS will not reuse its name before). */
  private async serviceExists(id: string): Promise<boolean> {
    const service = serviceName(this.deployment.deployment, id);
    const settled = await this.waitForService(service, (found) => found?.status !== 'DRAINING');
    if (!settled)
      throw new UserError(`the ECS service ${service} is still draining from its removal`, 'apply again once its task has stopped');
    return settled.found?.status === 'ACTIVE';
  }

  /** Describes the service until `done` holds for what it finds; undefined when a task's stop time has passed first. */
  private waitForService(
    service: string,
    done: (found: ServiceInfo | undefined) => boolean,
    signal?: AbortSignal,
  ): Promise<{ found: ServiceInfo | undefined } | undefined> {
    return pollUntil(
      async () => {
        const found = await this.services.describeService(this.deployment.cluster, service);
        return done(found) ? { found } : undefined;
      },
      {
        intervalMs: this.options.pollMs ?? 5000,
        timeoutMs: this.options.stopWaitMs + FARGATE_STOP_TIMEOUT_S * 1000,
        ...(signal !== undefined ? { signal } : {}),
      },
    );
  }

  /**
   * The last line of defence of the ownership rule: plan never touches what is not ours, and a step
   * that would change or delete a resource checks its tags once more, right before.
   */
  private refuseForeign(verb: string, what: string, id: string, tags: Readonly<Record<string, string>>): void {
    if (ownershipOf(tags, this.deployment.deployment, id) !== 'foreign') return;
    throw new UserError(
      `refusing to ${verb} ${what}: it is ${describeOwner(tags)}, not this deployment's`,
      'rename the collection, or have the owner of that resource remove it; twarc-cloud never touches it',
    );
  }

  private async registerStreamTask(id: string): Promise<string> {
    const name = this.deployment.deployment;
    const port = String(this.deployment.control_port ?? 8080);
    const family = taskDefinitionFamily(name, id);
    const existing = await this.services.taskDefinitionTags(family);
    if (existing) this.refuseForeign('add a revision to', `the task definition family ${family}`, id, existing);
    return this.services.registerTaskDefinition({
      family,
      base: this.deployment.task_definition,
      containerName: this.deployment.container_name,
      // After a requested stop, keep answering is_stopped until the service is scaled down (SIGTERM ends the wait);
      // after max_records, scale its own service to zero.
      command: [
        'harvest',
        id,
        '--control-host',
        '0.0.0.0',
        '--control-port',
        port,
        '--linger',
        '600',
        '--ecs-cluster',
        this.deployment.cluster,
        '--ecs-service',
        serviceName(name, id),
      ],
      stopTimeout: FARGATE_STOP_TIMEOUT_S,
      tags: ownershipTags(name, id),
    });
  }

  private async stopHarvest(id: string, signal: AbortSignal | undefined): Promise<void> {
    await stopAndReport(this.store, id, {
      actor: this.options.actor,
      waitMs: this.options.stopWaitMs,
      report: this.options.report,
      afterwards: 'its task will be stopped with SIGTERM',
      signal,
    });
  }

  /** Scale to zero, wait for the task to stop (SIGTERM, then the harvester finalizes), delete. */
  private async removeService(id: string, signal: AbortSignal | undefined): Promise<void> {
    const cluster = this.deployment.cluster;
    const service = serviceName(this.deployment.deployment, id);
    const current = await this.services.describeService(cluster, service);
    if (current?.status !== 'ACTIVE') return;
    this.refuseForeign('stop', `the ECS service ${service}`, id, current.tags);
    await this.services.updateService(cluster, service, { desiredCount: 0 });
    const stopped = await this.waitForService(service, (found) => !found || found.runningCount === 0, signal);
    if (!stopped) this.options.report(`  ${id}: its task had not stopped after ${FARGATE_STOP_TIMEOUT_S} s; deleting the service anyway`);
    await this.services.deleteService(cluster, service);
  }
}
