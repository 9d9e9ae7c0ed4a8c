import { readFile } from 'node:fs/promises';
import { UserError } from '../../platform/errors.js';
import type { Plan } from '../../reconciler/plan/model.js';
import type { Reconciliation } from '../../reconciler/reconcile.js';

/** A plan saved by `plan --out`, with what it was computed from, so apply can tell when it went stale. */
export interface SavedPlan {
  readonly format: 'twarc-cloud/plan@1';
  readonly created_at: string;
  readonly target: string;
  readonly archive: string;
  readonly fingerprint: { readonly desired: string; readonly live: string };
  /** False when made with --no-initial-run: applying it starts no first harvests either. */
  readonly initial_run?: boolean;
  readonly plan: Plan;
}

export function savedPlan(result: Reconciliation, target: string, initialRun: boolean): SavedPlan {
  return {
    format: 'twarc-cloud/plan@1',
    created_at: new Date().toISOString(),
    target,
    archive: result.target.store.location,
    fingerprint: result.fingerprint,
    initial_run: initialRun,
    plan: result.plan,
  };
}

export async function readSavedPlan(path: string): Promise<SavedPlan> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read the plan ${path}: ${(error as Error).message}`, 'save one with twarc-cloud plan --out <file>');
  }
  if ((value as { format?: unknown } | null)?.format !== 'twarc-cloud/plan@1')
    throw new UserError(`${path} is not a plan saved by twarc-cloud plan --out`);
  return value as SavedPlan;
}

/** Refuses a saved plan whose collections or live state changed since it was made. */
export function assertCurrent(saved: SavedPlan, now: Reconciliation, target: string): void {
  const what =
    saved.target !== target || saved.archive !== now.target.store.location
      ? `it was made for target ${saved.target} (${saved.archive})`
      : saved.fingerprint.desired !== now.fingerprint.desired
        ? 'collections/ changed since it was made'
        : saved.fingerprint.live !== now.fingerprint.live
          ? 'the live system changed since it was made (another apply, or a change by hand)'
          : undefined;
  if (what !== undefined)
    throw new UserError(`the saved plan is stale: ${what}`, 'run twarc-cloud plan --out <file> again, review it, and apply that');
}
