import { scheduleCollisions } from './schedule-collisions.js';
import type { CollectionType } from '../desired/collection.js';
import { fieldChanges, type FieldChange } from './field-changes.js';
import type { ConfigBody } from './render-config.js';
import type {
  ActionKind,
  Conflict,
  DesiredCollection,
  LiveCollection,
  LiveState,
  LiveStreamGroup,
  Plan,
  PlannedAction,
  Runtime,
  RuntimeStep,
  StreamGroupAction,
} from './model.js';

export interface PlanOptions {
  /** Most collections one plan may stop (suspend or remove) without `allowMassStop`. */
  readonly maxStops: number;
  readonly allowMassStop: boolean;
  /** The harvester release new streams and schedules get; those on another one are moved onto it. */
  readonly release?: string;
  /** Start a new schedule's first harvest now (targets that start harvests themselves; not with --no-initial-run). */
  readonly initialRun?: boolean;
}

/**
 * The reconcile plan: what to do so that the live system matches git. A pure function of the
 * desired collections and the live state; no I/O, so every case is a table test.
 */
export function plan(desired: readonly DesiredCollection[], live: LiveState, options: PlanOptions): Plan {
  const actions: PlannedAction[] = [];
  const conflicts: Conflict[] = [];
  const wanted = new Set<string>();
  for (const collection of [...desired].sort(byId)) {
    wanted.add(collection.id);
    const current = live.collections.get(collection.id);
    if (current?.runtime.owner === 'foreign') {
      conflicts.push({ id: collection.id, detail: current.runtime.foreign ?? 'a resource of this name belongs to someone else' });
      continue;
    }
    const action = planOne(collection, current, options);
    if (action) actions.push(action);
  }
  for (const current of [...live.collections.values()].sort(byId)) {
    // Removed already, or not ours to remove (untagged, or tagged for someone else): leave it.
    if (wanted.has(current.id) || current.state === 'removed' || current.runtime.owner !== undefined) continue;
    actions.push({
      kind: 'remove',
      id: current.id,
      type: current.type,
      changes: [{ path: 'state', old: current.state, new: 'removed' }],
      steps: runtimeSteps(current.runtime, {}, true),
      stops: current.state === 'active',
    });
  }
  const counts: Record<ActionKind, number> = { create: 0, update: 0, suspend: 0, resume: 0, remove: 0, adopt: 0 };
  for (const action of actions) counts[action.kind] += 1;
  const stops = actions.filter((a) => a.stops).length;
  const refused = stops > options.maxStops && !options.allowMassStop ? { stops, limit: options.maxStops } : undefined;
  const created = new Set(actions.filter((a) => a.kind === 'create').map((a) => a.id));
  const collisions = scheduleCollisions(desired, created);
  const groups = streamGroupActions(desired, live, options);
  return {
    actions,
    ...(groups.length > 0 ? { streamGroups: groups } : {}),
    counts,
    ...(conflicts.length > 0 ? { conflicts } : {}),
    ...(refused ? { refused } : {}),
    ...(collisions.length > 0 ? { collisions } : {}),
  };
}

function planOne(desired: DesiredCollection, live: LiveCollection | undefined, options: PlanOptions): PlannedAction | undefined {
  const complete = live?.complete === true;
  const runtime = desiredRuntime(desired, complete);
  const type = desired.body.type;
  if (!live) {
    const changes = fieldChanges({}, { ...desired.body, state: desired.state });
    const firstRun: RuntimeStep[] = options.initialRun === true && runtime.schedule?.enabled === true ? [{ kind: 'start-harvest' }] : [];
    return {
      kind: 'create',
      id: desired.id,
      type,
      changes,
      steps: [...runtimeSteps({}, runtime, false), ...firstRun],
      desired,
      stops: false,
    };
  }
  const bodyChanges: FieldChange[] = live.hash === desired.hash ? [] : fieldChanges(live.body ?? {}, desired.body);
  // What a harvest reads: a compliance schedule of its own is no reason to restart a stream.
  const harvestChanges = bodyChanges.filter((change) => !isComplianceField(change.path));
  const stateChange: FieldChange[] = live.state === desired.state ? [] : [{ path: 'state', old: live.state, new: desired.state }];
  const liveRelease =
    (type === 'filter' ? live.runtime.streamGroup?.release : live.runtime.schedule?.release) ?? live.runtime.compliance?.release;
  // Only a runtime that exists and stays runs a release that can move; one being made gets the new one anyway.
  const exists =
    (type === 'filter' ? live.runtime.streamGroup !== undefined : live.runtime.schedule !== undefined) ||
    live.runtime.compliance !== undefined;
  const moves = exists && (runtime.streamGroup !== undefined || runtime.schedule !== undefined || runtime.compliance !== undefined);
  // A runtime whose release is not recorded (made before releases were) may name a revision that is gone: moved too.
  const releaseChange: FieldChange[] =
    moves && options.release !== undefined && liveRelease !== options.release
      ? [{ path: '(harvester release)', old: liveRelease ?? '(not recorded)', new: options.release }]
      : [];
  const ending = complete && live.runtime.streamGroup !== undefined;
  const completion: FieldChange[] = ending ? [{ path: '(max_records reached)', old: false, new: true }] : [];
  const changes = [...stateChange, ...bodyChanges, ...releaseChange, ...completion];
  // An edit of a member's rules changes them on its group's open connection; the group's harvest of it rolls over.
  const sameGroup = runtime.streamGroup !== undefined && live.runtime.streamGroup?.group === runtime.streamGroup.group;
  const rulesEdit: RuntimeStep[] =
    sameGroup && desired.state === 'active' && live.state === 'active' && harvestChanges.length > 0
      ? [rulesChange(runtime.streamGroup.group, live.body, desired.body)]
      : [];
  // A schedule on an older release is put again: its target then names the new base task definition.
  const repoint = releaseChange.length > 0;
  const steps = [...runtimeSteps(live.runtime, runtime, false, repoint), ...rulesEdit];
  if (live.runtime.owner === 'untagged') {
    // Taking ownership re-puts the schedule with this deployment's tags.
    const ownSteps: RuntimeStep[] = runtime.schedule
      ? [{ kind: 'put-schedule', expression: runtime.schedule.expression, enabled: runtime.schedule.enabled }]
      : steps.filter((step) => step.kind !== 'put-compliance-schedule');
    const adoptSteps: RuntimeStep[] = runtime.compliance
      ? [...ownSteps, { kind: 'put-compliance-schedule', expression: runtime.compliance.expression }]
      : ownSteps;
    return { kind: 'adopt', id: desired.id, type, changes, steps: adoptSteps, desired, stops: false };
  }
  if (changes.length === 0 && steps.length === 0) return undefined;
  const kind: ActionKind =
    live.state !== 'active' && desired.state === 'active'
      ? 'resume'
      : live.state === 'active' && desired.state === 'suspended'
        ? 'suspend'
        : 'update';
  return { kind, id: desired.id, type, changes, steps, desired, stops: kind === 'suspend', ...(complete ? { complete: true } : {}) };
}

/**
 * The runtime a desired collection should have: an active filter collection is a member of its
 * credentials profile's stream group, until it is complete, when its stream stays ended.
 */
export function desiredRuntime(desired: DesiredCollection, complete = false): Runtime {
  return runtimeFor({
    type: desired.body.type,
    state: desired.state,
    ...(desired.body.schedule !== undefined ? { schedule: desired.body.schedule } : {}),
    ...(complete ? { complete: true } : {}),
    ...(desired.body.type === 'filter' ? { stream_group: desired.body.credentials } : {}),
    ...(desired.body.compliance !== undefined ? { compliance_schedule: desired.body.compliance.schedule } : {}),
  });
}

/**
 * The runtime a collection's config asks for: a filter runs a stream while active, a scheduled
 * collection has a schedule, enabled while active; a removed one has nothing. Shared by the
 * desired side and by targets whose runtime is what apply recorded.
 */
export function runtimeFor(config: {
  readonly type: CollectionType;
  readonly state: 'active' | 'suspended' | 'removed';
  readonly schedule?: string;
  readonly release?: string;
  readonly complete?: boolean;
  /** The stream group of a filter collection (the index records it); without it, none is known to run it. */
  readonly stream_group?: string;
  /** The schedule of its compliance checks, which run whether it is active or suspended. */
  readonly compliance_schedule?: string;
}): Runtime {
  if (config.state === 'removed') return {};
  const release = config.release !== undefined ? { release: config.release } : {};
  const harvests = harvestRuntime(config, release);
  return config.compliance_schedule !== undefined
    ? { ...harvests, compliance: { expression: config.compliance_schedule, ...release } }
    : harvests;
}

function harvestRuntime(config: Parameters<typeof runtimeFor>[0], release: { readonly release?: string }): Runtime {
  const active = config.state === 'active';
  if (config.type === 'filter') {
    if (!active || config.complete === true || config.stream_group === undefined) return {};
    return { streamGroup: { group: config.stream_group, ...release } };
  }
  return config.schedule !== undefined ? { schedule: { expression: config.schedule, enabled: active, ...release } } : {};
}

/** The steps from one runtime to another; `removing` also stops harvests that are running now, `repointSchedules` puts unchanged schedules again. */
function runtimeSteps(from: Runtime, to: Runtime, removing: boolean, repointSchedules = false): RuntimeStep[] {
  const steps: RuntimeStep[] = [];
  const joins = to.streamGroup !== undefined && from.streamGroup?.group !== to.streamGroup.group;
  const leaves = from.streamGroup !== undefined && from.streamGroup.group !== to.streamGroup?.group;
  const stopping = removing || leaves || (from.schedule?.enabled === true && to.schedule?.enabled !== true);
  if (stopping) steps.push({ kind: 'stop-harvests' });
  if (leaves) steps.push({ kind: 'leave-stream-group', group: from.streamGroup.group });
  if (
    to.schedule &&
    (repointSchedules || from.schedule?.expression !== to.schedule.expression || from.schedule.enabled !== to.schedule.enabled)
  ) {
    steps.push({ kind: 'put-schedule', expression: to.schedule.expression, enabled: to.schedule.enabled });
  }
  if (from.schedule && !to.schedule) steps.push({ kind: 'delete-schedule' });
  if (to.compliance && (repointSchedules || from.compliance?.expression !== to.compliance.expression || from.compliance.disabled === true))
    steps.push({ kind: 'put-compliance-schedule', expression: to.compliance.expression });
  if (from.compliance && !to.compliance) steps.push({ kind: 'delete-compliance-schedule' });
  if (joins) steps.push({ kind: 'join-stream-group', group: to.streamGroup.group });
  return steps;
}

/**
 * The stream groups to start, stop or roll: one per credentials profile with active filter
 * collections that are not complete. Which run now is what the target listed, or else what the
 * live collections' memberships say (the index, written by apply): a group whose recorded members
 * are all complete has ended its own service, and a new member starts it again.
 */
function streamGroupActions(desired: readonly DesiredCollection[], live: LiveState, options: PlanOptions): StreamGroupAction[] {
  const wanted = new Map<string, string[]>();
  for (const collection of desired) {
    const body = collection.body;
    if (body.type !== 'filter' || collection.state !== 'active' || live.collections.get(collection.id)?.complete === true) continue;
    wanted.set(body.credentials, [...(wanted.get(body.credentials) ?? []), collection.id]);
  }
  const running = new Map<string, LiveStreamGroup>(live.streamGroups ?? []);
  if (!live.streamGroups) {
    for (const current of live.collections.values()) {
      const member = current.runtime.streamGroup;
      if (!member) continue;
      const ended = current.complete === true && running.get(member.group)?.ended !== false;
      running.set(member.group, { ...(member.release !== undefined ? { release: member.release } : {}), ended });
    }
  }
  const actions: StreamGroupAction[] = [];
  for (const [group, members] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const now = running.get(group);
    if (!now || now.ended === true) actions.push({ kind: 'start-stream-group', group, members: members.sort() });
    else if (options.release !== undefined && now.release !== options.release)
      actions.push({ kind: 'roll-stream-group', group, members: members.sort() });
  }
  for (const group of [...running.keys()].sort()) if (!wanted.has(group)) actions.push({ kind: 'stop-stream-group', group, members: [] });
  return actions;
}

/** An edit of a group member's rules, said as the rules added and removed on the group's open connection. */
function rulesChange(group: string, from: ConfigBody | undefined, to: ConfigBody): RuntimeStep {
  const values = (body: ConfigBody | undefined): Set<string> => new Set((body?.rules ?? []).map((rule) => rule.value));
  const before = values(from);
  const after = values(to);
  return {
    kind: 'change-stream-rules',
    group,
    added: [...after].filter((value) => !before.has(value)),
    removed: [...before].filter((value) => !after.has(value)),
  };
}

function isComplianceField(path: string): boolean {
  return path === 'compliance' || path.startsWith('compliance.');
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
