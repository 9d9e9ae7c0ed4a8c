/*
 * An apply from start to end, under the apply lock: take the lock, then read the live state (with a
 * refresh: apply never creates what exists) and plan, let the caller review the fresh plan, carry
 * it out while keeping the lock, release. Planning under the lock is what keeps two applies from
 * acting on the same state. Shared by `apply` and `up`.
 */
import { hostname } from 'node:os';
import { acquireApplyLock } from '../platform/archive/apply-lock.js';
import { isDeadLocalProcess } from '../platform/local-process.js';
import { applyPlan } from './apply/apply.js';
import { planAgainst, type Prepared, type Reconciliation } from './reconcile.js';

/** A lock left by a crashed apply expires after this long; one held by a process on this host that has died is taken over at once. */
export const APPLY_LOCK_TTL_MS = 30 * 60_000;

export interface LockedApplyOptions {
  readonly allowMassStop: boolean;
  /** False: new schedules wait for their first time (`--no-initial-run`). */
  readonly initialRun?: boolean;
  /** Who applies, for the lock and messages. */
  readonly holder: string;
  readonly report: (line: string) => void;
  /** Aborts the apply between two collections (Ctrl-C, SIGTERM); the lock is released. */
  readonly signal?: AbortSignal;
  /** Looks at the fresh plan before anything is written: false (or a thrown refusal) applies nothing. */
  readonly review: (result: Reconciliation) => Promise<boolean>;
}

export async function applyLocked(prepared: Prepared, options: LockedApplyOptions): Promise<{ result: Reconciliation; applied: boolean }> {
  const lock = await acquireApplyLock(
    prepared.target.store,
    { description: options.holder, host: hostname(), pid: process.pid },
    { ttlMs: APPLY_LOCK_TTL_MS, isHolderGone: isDeadLocalProcess },
  );
  try {
    const result = await planAgainst(prepared, {
      allowMassStop: options.allowMassStop,
      refresh: true,
      ...(options.initialRun !== undefined ? { initialRun: options.initialRun } : {}),
    });
    if (!(await options.review(result))) return { result, applied: false };
    await applyPlan(result.plan, result.index, {
      target: prepared.target,
      provenance: prepared.provenance,
      report: options.report,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      beforeEach: () => lock.refresh(),
    });
    return { result, applied: true };
  } finally {
    await lock.release();
  }
}
