import { createHash } from 'node:crypto';
import { UserError } from '../platform/errors.js';
import { provenance, type Provenance } from './apply/provenance.js';
import { loadDesiredState } from './desired/load-collections.js';
import type { NameRules } from './desired/name-rules.js';
import { readLive, type CollectionsIndex } from './live/read-live.js';
import type { DesiredCollection, LiveState, Plan } from './plan/model.js';
import { plan } from './plan/plan.js';
import { canonicalJson, desiredCollections } from './plan/render-config.js';
import type { Settings } from './settings/settings.js';
import type { Target } from './target.js';
import { formatProblem, sortProblems, type Problem } from './problems.js';

export interface Reconciliation {
  readonly target: Target;
  readonly desired: readonly DesiredCollection[];
  readonly live: LiveState;
  readonly index: { readonly index: CollectionsIndex; readonly etag?: string };
  readonly plan: Plan;
  /** Who applies and from which commit, read once for the target and the changesets. */
  readonly provenance: Provenance;
  /** Fingerprints of both sides, so that a saved plan can tell it went stale. */
  readonly fingerprint: { readonly desired: string; readonly live: string };
}

/** Validation failed: nothing may be planned or applied. Its details are the problems, as `validate` prints them. */
export class DesiredStateInvalid extends UserError {
  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    super(
      `${errors} validation error${errors === 1 ? '' : 's'} in collections/; nothing is planned`,
      'fix the files above; twarc-cloud validate checks them without planning',
      sortProblems(problems).map(formatProblem),
    );
  }
}

export interface ReconcileOptions {
  /** The target to plan against, or how to open it once the actor is known (the CLI chooses which). */
  readonly target: Target | ((actor: string) => Promise<Target>);
  /** The naming rules of the targets, which validation applies. */
  readonly nameRules: NameRules;
  readonly allowMassStop: boolean;
  readonly refresh?: boolean;
  /** False: a new schedule waits for its first time instead of harvesting at once (`--no-initial-run`). */
  readonly initialRun?: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/** The desired side, validated, and the target it is planned against: what a plan needs before it reads the live state. */
export interface Prepared {
  readonly settings: Settings;
  readonly target: Target;
  readonly desired: readonly DesiredCollection[];
  readonly provenance: Provenance;
}

/** Read desired state, read live state, plan: the composition every reconciler command starts with. */
export async function reconcile(settings: Settings, options: ReconcileOptions): Promise<Reconciliation> {
  return planAgainst(await prepare(settings, options), options);
}

/** Loads and validates collections/, and opens the target; reads nothing of the live state yet. */
export async function prepare(settings: Settings, options: ReconcileOptions): Promise<Prepared> {
  const state = await loadDesiredState(settings, options.nameRules, [], settings.root);
  if (state.problems.some((p) => p.severity === 'error')) throw new DesiredStateInvalid(state.problems);
  const who = await provenance(settings.root, options.env);
  const target = typeof options.target === 'function' ? await options.target(who.actor) : options.target;
  return { settings, target, desired: desiredCollections(state.collections), provenance: who };
}

/** Reads the live state and plans the prepared desired state against it. */
export async function planAgainst(
  prepared: Prepared,
  options: Pick<ReconcileOptions, 'allowMassStop' | 'refresh' | 'initialRun'>,
): Promise<Reconciliation> {
  const { target, desired, settings } = prepared;
  const { live, index, indexEtag } = await readLive(target, desired, { refresh: options.refresh === true });
  const result = plan(desired, live, {
    maxStops: settings.maxStops,
    allowMassStop: options.allowMassStop,
    ...(target.release !== undefined ? { release: target.release } : {}),
    initialRun: target.startsFirstHarvest && options.initialRun !== false,
  });
  const fingerprint = {
    desired: sha256(canonicalJson(desired.map((d) => [d.id, d.state, d.hash]))),
    // The index only: a plan saved without --refresh stays comparable with an apply that lists resources.
    live: sha256(canonicalJson(index.collections)),
  };
  return {
    target,
    desired,
    live,
    index: { index, ...(indexEtag !== undefined ? { etag: indexEtag } : {}) },
    plan: result,
    provenance: prepared.provenance,
    fingerprint,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
