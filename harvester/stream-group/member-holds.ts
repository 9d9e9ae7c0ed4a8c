/*
 * Why a stream group does not harvest one of its member collections for now, and when it does
 * again: one that stored its max_records is complete for good; one stopped on request is held
 * until the collection changes; one that spent its monthly budget is held until the month turns
 * (its rules leave the connection meanwhile, so none of its posts are delivered and charged).
 */

import { billingMonth } from '../../platform/billing/cost-model.js';
import type { StopCause } from '../stop.js';

export interface MemberHolds {
  /** Stopped on request with this index hash: not harvested again until the collection changes. */
  heldAt?: string;
  /** Reached its max_records: its stream ended for good. */
  complete?: boolean;
  /** Spent its budget for this UTC month ("2026-12"): harvested again the next month, or once edited. */
  spentFor?: string;
}

/** Records why a member's harvest ended, where that keeps it from being opened again. */
export function holdAfter(holds: MemberHolds, cause: StopCause | undefined, hash: string, stopRequestedByGroup: boolean): void {
  if (cause === 'max_records') holds.complete = true;
  else if (cause === 'budget') holds.spentFor = billingMonth(new Date());
  else if (cause === 'requested' && !stopRequestedByGroup) holds.heldAt = hash;
}

export function wantsHarvest(holds: MemberHolds, hash: string): boolean {
  return holds.complete !== true && holds.heldAt !== hash && holds.spentFor !== billingMonth(new Date());
}

/** An edited collection starts afresh: whatever held it no longer does. */
export function releaseHolds(holds: MemberHolds): void {
  delete holds.complete;
  delete holds.heldAt;
  delete holds.spentFor;
}
