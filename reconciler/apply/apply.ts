import { randomBytes } from 'node:crypto';
import { UserError } from '../../platform/errors.js';
import { forEachConcurrently } from '../../platform/async.js';
import { changesetName, collectionKeys } from '../../platform/archive/keys.js';
import { asCollectionConfig, readObject, writeObject } from '../../platform/archive/objects.js';
import { PreconditionFailed } from '../../platform/archive/store.js';
import type { CollectionsIndex } from '../live/read-live.js';
import { actionSign, type Plan, type PlannedAction, type RuntimeStep, type StreamGroupAction } from '../plan/model.js';
import { bodyHash, bodyOf, type CollectionConfig } from '../plan/render-config.js';
import type { Target } from '../target.js';
import { IndexBook } from './index-book.js';
import { changesetGit, type Provenance } from './provenance.js';

export interface ApplyContext {
  readonly target: Target;
  readonly provenance: Provenance;
  readonly report: (line: string) => void;
  readonly now?: () => Date;
  /** Aborted (Ctrl-C, SIGTERM): the apply stops between two collections, everything done so far recorded. */
  readonly signal?: AbortSignal;
  /** Called before each collection is written: the apply lock's refresh, which stops the apply if the lock was lost. */
  readonly beforeEach?: () => Promise<void>;
}

/** Something changed what this apply read (another apply, or a hand): it stops rather than overwrite it. */
export class ApplyRaced extends UserError {
  constructor(key: string) {
    super(
      `someone else applied while this apply ran (${key} changed after it was read); this apply stopped`,
      're-run twarc-cloud plan, then apply',
    );
  }
}

/** An apply stopped part-way on request; what it finished is recorded, and the next apply continues. */
export class ApplyInterrupted extends UserError {
  constructor(done: number, total: number) {
    super(
      `apply interrupted after ${done} of ${total} collections were recorded`,
      'everything finished so far is recorded; run twarc-cloud apply again to continue',
    );
  }
}

/** Steps that take something down go before the config changes; the rest after it. */
const STOPPING: ReadonlySet<RuntimeStep['kind']> = new Set(['stop-harvests', 'delete-schedule']);

/**
 * Collections applied at once. Their archive writes and AWS calls are independent; AWS's
 * control-plane limits (EventBridge PutRule and PutTargets, ECS CreateService) are tens of requests a
 * second, and the SDK retries a throttled call with backoff.
 */
export const APPLY_CONCURRENCY = 8;

/**
 * Carries out a plan: for each collection, its stopping steps, then collection.json (conditional
 * write), its changeset, its index entry, then the steps that start or change things. Collections
 * that stop something all go first, so that nothing starts before what it may replace has stopped;
 * within each group several collections are applied at once. The index is written at checkpoints
 * and whenever the apply ends, however it ends, so the next apply converges from what was done.
 */
export async function applyPlan(plan: Plan, start: { index: CollectionsIndex; etag?: string }, context: ApplyContext): Promise<void> {
  const { target } = context;
  const now = context.now ?? (() => new Date());
  const book = new IndexBook(target.store, structuredClone(start.index), start.etag);
  const total = plan.actions.length;
  // Recorded (config, changeset, index entry) is what the next apply finds done; several collections are in flight at once.
  let recorded = 0;
  // Callers refresh the apply lock before each collection; concurrent callers share one refresh.
  let refreshing: Promise<void> | undefined;
  const refreshLock = (): Promise<void> =>
    (refreshing ??= (context.beforeEach?.() ?? Promise.resolve()).finally(() => (refreshing = undefined)));
  const applyOne = async (action: PlannedAction): Promise<void> => {
    try {
      if (context.signal?.aborted === true) throw new ApplyInterrupted(recorded, total);
      await refreshLock();
      for (const step of action.steps.filter((s) => STOPPING.has(s.kind))) await target.runStep(step, action, context.signal);
      await record(action, book, start.index.collections[action.id] !== undefined, now(), context);
      recorded += 1;
      for (const step of action.steps.filter((s) => !STOPPING.has(s.kind))) await target.runStep(step, action, context.signal);
    } catch (error) {
      if (error instanceof PreconditionFailed) throw new ApplyRaced(error.key);
      // A wait cut short by the interruption: the collection in progress is left for the next apply.
      if (context.signal?.aborted === true && !(error instanceof UserError)) throw new ApplyInterrupted(recorded, total);
      throw error;
    }
    context.report(`  ${actionSign(action)} ${action.id}: ${action.kind} done`);
    await book.checkpoint();
  };
  const stops = (action: PlannedAction): boolean => action.steps.some((s) => STOPPING.has(s.kind));
  const stopping = plan.actions.filter(stops);
  const starting = plan.actions.filter((a) => !stops(a));
  let failed = false;
  const groupStep = async (action: StreamGroupAction): Promise<void> => {
    if (!target.runStreamGroupStep) return;
    if (context.signal?.aborted === true) throw new ApplyInterrupted(recorded, total);
    await target.runStreamGroupStep(action, context.signal);
    context.report(`  stream group ${action.group}: ${action.kind.replace('-stream-group', '')} done`);
  };
  const groups = plan.streamGroups ?? [];
  try {
    // A group's connection runs before its members are applied (a collection moving in from a stream
    // of its own overlaps with it), and stops after the last has left.
    for (const action of groups.filter((g) => g.kind !== 'stop-stream-group')) await groupStep(action);
    for (const group of [stopping, starting]) await forEachConcurrently(group, APPLY_CONCURRENCY, applyOne);
    for (const action of groups.filter((g) => g.kind === 'stop-stream-group')) await groupStep(action);
  } catch (error) {
    failed = true;
    // Counted once every collection in flight has settled: those recorded after the first stopped count too.
    throw error instanceof ApplyInterrupted ? new ApplyInterrupted(recorded, total) : error;
  } finally {
    await book.checkpoint(true).catch((error: unknown) => {
      // A failure already on its way out says more than the index write it left behind.
      if (!failed) throw error instanceof PreconditionFailed ? new ApplyRaced(error.key) : error;
    });
  }
}

/** Writes what the action changes in the archive: collection.json, its changeset, and (in memory) its index entry. */
async function record(action: PlannedAction, book: IndexBook, listed: boolean, at: Date, context: ApplyContext): Promise<void> {
  const { target, provenance } = context;
  const name = changesetName(
    at,
    provenance.git?.commit?.slice(0, 7).concat(randomBytes(2).toString('hex')) ?? randomBytes(6).toString('hex'),
  );
  await storeInputs(target, action);
  const git = changesetGit(provenance, action.id);
  const { config, recorded } = await writeConfig(target, action, at, name, listed);
  if (!recorded)
    await writeObject(
      target.store,
      collectionKeys(action.id).changeset(name),
      'changeset',
      {
        format: 'twarc-cloud/changeset@1',
        collection: action.id,
        name,
        created_at: at.toISOString(),
        action: action.kind,
        actor: provenance.actor,
        ...(git ? { git } : {}),
        changes: action.changes.map((c) => ({ ...c })),
      },
      { ifNoneMatch: '*' },
    );
  book.set(
    action.id,
    {
      type: config.type,
      state: config.state,
      hash: action.desired?.hash ?? book.index.collections[action.id]?.hash ?? '0'.repeat(64),
      ...(config.schedule !== undefined ? { schedule: config.schedule } : {}),
      ...(config.compliance !== undefined && config.state !== 'removed' ? { compliance_schedule: config.compliance.schedule } : {}),
      ...(target.release !== undefined && runsRelease(config, action) ? { release: target.release } : {}),
      ...(action.complete === true ? { complete: true as const } : {}),
      ...(config.type === 'filter' ? { stream_group: config.credentials } : {}),
    },
    at,
  );
}

/**
 * Stores what the collection's harvests read besides its config, before the config that names it.
 * An input is named by its content: one already stored is the same, and is left as it is.
 */
async function storeInputs(target: Target, action: PlannedAction): Promise<void> {
  for (const input of action.desired?.inputs ?? []) {
    const key = collectionKeys(action.id).input(input.name);
    try {
      await target.store.put(key, input.body, { ifNoneMatch: '*', contentType: 'text/plain; charset=utf-8' });
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
  }
}

/**
 * Writes collection.json. One the index does not list is written without reading it first (it is
 * absent but for one an apply wrote after its last index checkpoint, before it stopped: that one is
 * replaced, on the version read; the apply lock keeps other applies out).
 */
async function writeConfig(
  target: Target,
  action: PlannedAction,
  at: Date,
  changeset: string,
  listed: boolean,
): Promise<{ config: CollectionConfig; recorded: boolean }> {
  const key = collectionKeys(action.id).config;
  if (action.desired && !listed) {
    const config = rendered(action.desired, at, changeset);
    try {
      await writeObject(target.store, key, 'collection-config', config, { ifNoneMatch: '*' });
      return { config, recorded: false };
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
    }
    const leftover = await readObject(target.store, key, 'collection-config');
    // An apply killed after this collection's config and changeset, before its index: the change is
    // made and recorded already, and is taken over as it is (a second changeset would say it twice).
    if (leftover && (await appliedAlready(target, action, leftover.value))) return { config: leftover.value, recorded: true };
    await writeObject(target.store, key, 'collection-config', config, leftover ? { ifMatch: leftover.etag } : { ifNoneMatch: '*' });
    return { config, recorded: false };
  }
  const current = await readObject(target.store, key, 'collection-config');
  let config: CollectionConfig;
  if (action.desired) config = rendered(action.desired, at, changeset);
  else {
    if (!current)
      throw new UserError(
        `cannot mark ${action.id} removed: its collection.json is missing from the archive`,
        "restore it from the bucket's version history; its runtime resources were stopped",
      );
    config = { ...current.value, state: 'removed', removed_at: at.toISOString(), rendered_at: at.toISOString(), changeset };
  }
  await writeObject(target.store, key, 'collection-config', config, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
  return { config, recorded: false };
}

/** True when a config holds exactly the desired collection and the changeset that wrote it is stored. */
async function appliedAlready(target: Target, action: PlannedAction, config: CollectionConfig): Promise<boolean> {
  const desired = action.desired;
  if (!desired || config.state !== desired.state || bodyHash(bodyOf(config)) !== desired.hash) return false;
  return (await target.store.get(collectionKeys(action.id).changeset(config.changeset))) !== undefined;
}

function rendered(desired: NonNullable<PlannedAction['desired']>, at: Date, changeset: string): CollectionConfig {
  return asCollectionConfig({
    format: 'twarc-cloud/collection-config@1',
    ...desired.body,
    state: desired.state,
    rendered_at: at.toISOString(),
    changeset,
  });
}

/** Whether the collection's runtime names the harvester release: a running stream, or a schedule (enabled or not, compliance's too). */
function runsRelease(config: CollectionConfig, action: PlannedAction): boolean {
  if (config.state === 'removed') return false;
  if (config.compliance !== undefined) return true;
  if (config.type === 'filter') return config.state === 'active' && action.complete !== true;
  return config.schedule !== undefined;
}
