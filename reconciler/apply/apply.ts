import { randomBytes } from 'node:crypto';
import { UserError } from '../../platform/errors.js';
import { COLLECTIONS_INDEX_KEY, changesetName, collectionKeys } from '../../platform/archive/keys.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import { PreconditionFailed } from '../../platform/archive/store.js';
import type { CollectionsIndex } from '../live/read-live.js';
import { actionSign, type Plan, type PlannedAction, type RuntimeStep } from '../plan/model.js';
import type { CollectionConfig } from '../plan/render-config.js';
import type { Target } from '../targets/target.js';
import type { Provenance } from './provenance.js';

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
      `apply interrupted after ${done} of ${total} collections`,
      'everything finished so far is recorded; run twarc-cloud apply again to continue',
    );
  }
}

/** Steps that take something down go before the config changes; the rest after it. */
const STOPPING: ReadonlySet<RuntimeStep['kind']> = new Set(['stop-harvests', 'stop-service', 'delete-schedule']);

/**
 * Carries out a plan, one collection at a time: stopping steps, then collection.json (conditional
 * write), its changeset, the index entry, then the steps that start or change things. Each
 * finished collection is recorded in the index before the next begins, so a failure part-way
 * leaves everything done so far in place and the next apply converges.
 */
export async function applyPlan(plan: Plan, start: { index: CollectionsIndex; etag?: string }, context: ApplyContext): Promise<void> {
  const { target } = context;
  const now = context.now ?? (() => new Date());
  const index: CollectionsIndex = structuredClone(start.index);
  let indexEtag = start.etag;
  for (const [done, action] of plan.actions.entries()) {
    try {
      if (context.signal?.aborted === true) throw new ApplyInterrupted(done, plan.actions.length);
      await context.beforeEach?.();
      for (const step of action.steps.filter((s) => STOPPING.has(s.kind))) await target.runStep(step, action, context.signal);
      indexEtag = await record(action, index, indexEtag, now(), context);
      for (const step of action.steps.filter((s) => !STOPPING.has(s.kind))) await target.runStep(step, action, context.signal);
    } catch (error) {
      if (error instanceof PreconditionFailed) throw new ApplyRaced(error.key);
      // A wait cut short by the interruption: the collection in progress is left for the next apply.
      if (context.signal?.aborted === true && !(error instanceof UserError)) throw new ApplyInterrupted(done, plan.actions.length);
      throw error;
    }
    context.report(`  ${actionSign(action)} ${action.id}: ${action.kind} done`);
  }
}

/** Writes what the action changes in the archive: collection.json, its changeset, its index entry. Returns the index's new ETag. */
async function record(
  action: PlannedAction,
  index: CollectionsIndex,
  indexEtag: string | undefined,
  at: Date,
  context: ApplyContext,
): Promise<string> {
  const { target, provenance } = context;
  const name = changesetName(
    at,
    provenance.git?.commit?.slice(0, 7).concat(randomBytes(2).toString('hex')) ?? randomBytes(6).toString('hex'),
  );
  const config = await writeConfig(target, action, at, name);
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
      ...(provenance.git ? { git: provenance.git } : {}),
      changes: action.changes.map((c) => ({ ...c })),
    },
    { ifNoneMatch: '*' },
  );
  index.collections[action.id] = {
    type: config.type,
    state: config.state,
    hash: action.desired?.hash ?? index.collections[action.id]?.hash ?? '0'.repeat(64),
    ...(config.schedule !== undefined ? { schedule: config.schedule } : {}),
    ...(target.release !== undefined && runsRelease(config, action) ? { release: target.release } : {}),
    ...(action.complete === true ? { complete: true as const } : {}),
  };
  index.updated_at = at.toISOString();
  const written = await writeObject(
    target.store,
    COLLECTIONS_INDEX_KEY,
    'collections-index',
    index,
    indexEtag !== undefined ? { ifMatch: indexEtag } : { ifNoneMatch: '*' },
  );
  return written.etag;
}

async function writeConfig(target: Target, action: PlannedAction, at: Date, changeset: string): Promise<CollectionConfig> {
  const key = collectionKeys(action.id).config;
  const current = await readObject(target.store, key, 'collection-config');
  let config: CollectionConfig;
  if (action.desired) {
    config = {
      format: 'twarc-cloud/collection-config@1',
      ...action.desired.body,
      state: action.desired.state,
      rendered_at: at.toISOString(),
      changeset,
    };
  } else {
    if (!current)
      throw new UserError(
        `cannot mark ${action.id} removed: its collection.json is missing from the archive`,
        "restore it from the bucket's version history; its runtime resources were stopped",
      );
    config = { ...current.value, state: 'removed', removed_at: at.toISOString(), rendered_at: at.toISOString(), changeset };
  }
  await writeObject(target.store, key, 'collection-config', config, current ? { ifMatch: current.etag } : { ifNoneMatch: '*' });
  return config;
}

/** Whether the collection's runtime names the harvester release: a running stream, or a schedule (enabled or not). */
function runsRelease(config: CollectionConfig, action: PlannedAction): boolean {
  if (config.state === 'removed') return false;
  if (config.type === 'filter') return config.state === 'active' && action.complete !== true;
  return config.schedule !== undefined;
}
