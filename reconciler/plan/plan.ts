import type { CollectionType } from '../desired/collection.js';
import { fieldChanges, type FieldChange } from './field-changes.js';
import type {
  ActionKind,
  Conflict,
  DesiredCollection,
  LiveCollection,
  LiveState,
  Plan,
  PlannedAction,
  Runtime,
  RuntimeStep,
} from './model.js';

export interface PlanOptions {
  /** Most collections one plan may stop (suspend or remove) without `allowMassStop`. */
  readonly maxStops: number;
  readonly allowMassStop: boolean;
  /** The harvester release new streams get; a running stream on another one is rolled onto it. */
  readonly release?: string;
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
    const action = planOne(collection, current, options.release);
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
  return { actions, counts, ...(conflicts.length > 0 ? { conflicts } : {}), ...(refused ? { refused } : {}) };
}

function planOne(desired: DesiredCollection, live: LiveCollection | undefined, release: string | undefined): PlannedAction | undefined {
  const runtime = desiredRuntime(desired);
  const type = desired.body.type;
  if (!live) {
    const changes = fieldChanges({}, { ...desired.body, state: desired.state });
    return { kind: 'create', id: desired.id, type, changes, steps: runtimeSteps({}, runtime, false), desired, stops: false };
  }
  const bodyChanges: FieldChange[] = live.hash === desired.hash ? [] : fieldChanges(live.body ?? {}, desired.body);
  const stateChange: FieldChange[] = live.state === desired.state ? [] : [{ path: 'state', old: live.state, new: desired.state }];
  const liveRelease = live.runtime.service?.release;
  const releaseChange: FieldChange[] =
    type === 'filter' && desired.state === 'active' && release !== undefined && liveRelease !== undefined && liveRelease !== release
      ? [{ path: '(harvester release)', old: liveRelease, new: release }]
      : [];
  const changes = [...stateChange, ...bodyChanges, ...releaseChange];
  const restart =
    type === 'filter' && desired.state === 'active' && live.state === 'active' && (bodyChanges.length > 0 || releaseChange.length > 0);
  const steps = runtimeSteps(live.runtime, runtime, false, restart);
  if (live.runtime.owner === 'untagged') {
    // Taking ownership re-puts the schedule with this deployment's tags, or rolls the service onto its task definition.
    const adoptSteps: RuntimeStep[] = runtime.schedule
      ? [{ kind: 'put-schedule', expression: runtime.schedule.expression, enabled: runtime.schedule.enabled }]
      : live.runtime.service?.running === true && runtime.service?.running === true
        ? [{ kind: 'restart-service' }]
        : steps;
    return { kind: 'adopt', id: desired.id, type, changes, steps: adoptSteps, desired, stops: false };
  }
  if (changes.length === 0 && steps.length === 0) return undefined;
  const kind: ActionKind =
    live.state !== 'active' && desired.state === 'active'
      ? 'resume'
      : live.state === 'active' && desired.state === 'suspended'
        ? 'suspend'
        : 'update';
  return { kind, id: desired.id, type, changes, steps, desired, stops: kind === 'suspend' };
}

/** The runtime a desired collection should have. */
export function desiredRuntime(desired: DesiredCollection): Runtime {
  return runtimeFor({
    type: desired.body.type,
    state: desired.state,
    ...(desired.body.schedule !== undefined ? { schedule: desired.body.schedule } : {}),
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
}): Runtime {
  if (config.state === 'removed') return {};
  const active = config.state === 'active';
  if (config.type === 'filter')
    return active ? { service: { running: true, ...(config.release !== undefined ? { release: config.release } : {}) } } : {};
  return config.schedule !== undefined ? { schedule: { expression: config.schedule, enabled: active } } : {};
}

/** The steps from one runtime to another; `removing` also stops harvests that are running now. */
function runtimeSteps(from: Runtime, to: Runtime, removing: boolean, restartService = false): RuntimeStep[] {
  const steps: RuntimeStep[] = [];
  const stopping =
    removing ||
    (from.schedule?.enabled === true && to.schedule?.enabled !== true) ||
    (from.service?.running === true && to.service?.running !== true);
  if (stopping) steps.push({ kind: 'stop-harvests' });
  if (from.service?.running === true && to.service?.running !== true) steps.push({ kind: 'stop-service' });
  if (to.schedule && (from.schedule?.expression !== to.schedule.expression || from.schedule.enabled !== to.schedule.enabled)) {
    steps.push({ kind: 'put-schedule', expression: to.schedule.expression, enabled: to.schedule.enabled });
  }
  if (from.schedule && !to.schedule) steps.push({ kind: 'delete-schedule' });
  if (to.service?.running === true && from.service?.running !== true) steps.push({ kind: 'start-service' });
  else if (to.service?.running === true && restartService) steps.push({ kind: 'restart-service' });
  return steps;
}

function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
