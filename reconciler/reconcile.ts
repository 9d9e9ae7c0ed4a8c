import { createHash } from 'node:crypto';
import { UserError } from '../platform/errors.js';
import { LocalArchiveStore } from '../platform/archive/local-store.js';
import { provenance, type Provenance } from './apply/provenance.js';
import { loadDesiredState } from './desired/load-collections.js';
import { readLive, type CollectionsIndex } from './live/read-live.js';
import type { DesiredCollection, LiveState, Plan } from './plan/model.js';
import { plan } from './plan/plan.js';
import { canonicalJson, desiredCollections } from './plan/render-config.js';
import type { Settings } from './settings/settings.js';
import { LocalTarget } from './targets/local/local-target.js';
import { openAwsTarget } from './targets/aws/open-aws-target.js';
import type { Target } from './targets/target.js';

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

/** Validation failed: nothing may be planned or applied. */
export class DesiredStateInvalid extends UserError {}

/** Read desired state, read live state, plan: the composition every reconciler command starts with. */
export async function reconcile(
  settings: Settings,
  options: {
    targetName: 'local' | 'aws';
    allowMassStop: boolean;
    refresh?: boolean;
    env: NodeJS.ProcessEnv;
    report: (line: string) => void;
    target?: Target;
  },
): Promise<Reconciliation> {
  const state = await loadDesiredState(settings, [], settings.root);
  const errors = state.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0)
    throw new DesiredStateInvalid(
      `${errors.length} validation error${errors.length === 1 ? '' : 's'} in collections/; nothing is planned`,
      'run twarc-cloud validate to see them',
    );
  const who = await provenance(settings.root, options.env);
  const target = options.target ?? (await openTarget(settings, who.actor, options));
  const desired = desiredCollections(state.collections);
  const { live, index, indexEtag } = await readLive(target, desired, { refresh: options.refresh === true });
  const result = plan(desired, live, {
    maxStops: settings.maxStops,
    allowMassStop: options.allowMassStop,
    ...(target.release !== undefined ? { release: target.release } : {}),
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
    provenance: who,
    fingerprint,
  };
}

async function openTarget(
  settings: Settings,
  actor: string,
  options: { targetName: 'local' | 'aws'; report: (line: string) => void },
): Promise<Target> {
  if (options.targetName === 'local')
    return new LocalTarget(new LocalArchiveStore(settings.local.archive), { actor, stopWaitMs: 120_000, report: options.report });
  return openAwsTarget(settings, actor, options.report);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
