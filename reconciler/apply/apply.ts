import { randomBytes } from 'node:crypto';
import { UserError } from '../../platform/errors.js';
import { COLLECTIONS_INDEX_KEY, changesetName, collectionKeys } from '../../platform/archive/keys.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
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
  for (const action of plan.actions) {
    for (const step of action.steps.filter((s) => STOPPING.has(s.kind))) await target.runStep(step, action);
    const at = now();
    const name = changesetName(
      at,
      context.provenance.git?.commit?.slice(0, 7).concat(randomBytes(2).toString('hex')) ?? randomBytes(6).toString('hex'),
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
        actor: context.provenance.actor,
        ...(context.provenance.git ? { git: context.provenance.git } : {}),
        changes: action.changes.map((c) => ({ ...c })),
      },
      { ifNoneMatch: '*' },
    );
    index.collections[action.id] = {
      type: config.type,
      state: config.state,
      hash: action.desired?.hash ?? index.collections[action.id]?.hash ?? '0'.repeat(64),
      ...(config.schedule !== undefined ? { schedule: config.schedule } : {}),
      ...(config.type === 'filter' && config.state === 'active' && target.release !== undefined ? { release: target.release } : {}),
    };
    index.updated_at = at.toISOString();
    ({ etag: indexEtag } = await writeObject(
      target.store,
      COLLECTIONS_INDEX_KEY,
      'collections-index',
      index,
      indexEtag !== undefined ? { ifMatch: indexEtag } : { ifNoneMatch: '*' },
    ));
    for (const step of action.steps.filter((s) => !STOPPING.has(s.kind))) await target.runStep(step, action);
    context.report(`  ${actionSign(action)} ${action.id}: ${action.kind} done`);
  }
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
