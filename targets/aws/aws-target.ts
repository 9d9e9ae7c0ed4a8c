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
  /** Minutes of backfill a group asks for on reconnecting (Enterprise access: 5), 0 for none. */
  readonly backfillMinutes?: number;
}

/** ECS allows a task this long between SIGTERM and SIGKILL on Fargate; the harvester finalizes within it. */
const FARGATE_STOP_TIMEOUT_S = 120;

/**
 * The AWS target: scheduled collections are EventBridge rules that run the harvester on Fargate;
 * filter collections stream in their profile's stream group, an ECS service of one task. Resource
 * names and ownership tags come from aws-names.ts; a resource without this deployment's tag is
 * never changed or deleted.
 */
export class AwsTarget implements Target {
  readonly name = 'aws';
  /** Apply starts a new schedule's first harvest as a task at once. */
  readonly startsFirstHarvest = true;

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
    refuseOwnStreamServices(
      Object.entries(index)
        .filter(
          ([, entry]) => entry.type === 'filter' && entry.state === 'active' && entry.complete !== true && entry.stream_group === undefined,
        )
        .map(([id]) => id),
    );
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
    // A collection's own stream service of this deployment is left from before stream groups; anyone else's is not ours to touch.
    refuseOwnStreamServices(
      services.flatMap((service) => {
        const id = collectionIdOfName(name, service.name);
        return id !== undefined && ownershipOf(service.tags, name, id) === 'ours' ? [id] : [];
      }),
    );
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
    return options.refresh === true ? this.groups.list(index) : Promise.resolve(undefined);
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

  private async stopHarvest(id: string, signal: AbortSignal | undefined): Promise<void> {
    await stopAndReport(this.store, id, {
      actor: this.options.actor,
      waitMs: this.options.stopWaitMs,
      report: this.options.report,
      afterwards: 'its task will be stopped with SIGTERM',
      signal,
    });
  }
}

/**
 * Filter collections that stream on an ECS service of their own: made before stream groups, or
 * with `aws.stream_groups: false`, which this release no longer runs. The release before it moves
 * them into their groups (docs/decisions.md, "One stream harvester").
 */
function refuseOwnStreamServices(ids: readonly string[]): void {
  if (ids.length === 0) return;
  const which = [...new Set(ids)].sort().join(', ');
  throw new UserError(
    `filter collection(s) ${which} still stream on an ECS service of their own, which this release neither runs nor moves into a stream group`,
    'apply once with the release before this one (twarc-cloud 0.1.0), which starts each credentials profile\'s stream group and then stops the old services; then apply with this one (docs/decisions.md, "One stream harvester")',
  );
}
