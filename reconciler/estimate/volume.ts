/*
 * What the cost estimate asks X's recent counts about (pure; the counts are fetched at the edge,
 * estimate-cost.ts): each kind priced by counts says its own queries (a search its query, a filter
 * collection its rules OR-ed into queries no longer than recent search takes).
 */

import type { DesiredCollection } from '../plan/model.js';
import type { VolumeQuery } from './estimate-kind.js';
import { estimateKind } from './kinds.js';

export type { VolumeQuery } from './estimate-kind.js';

/** What to count: every active collection of a kind priced by X's counts, so that a change's figure stands next to the others'. */
export function volumeQueries(desired: readonly DesiredCollection[], queryLength: number, now: number): VolumeQuery[] {
  return desired.flatMap((d) => {
    const counts = d.state === 'active' ? estimateKind(d.body.type)?.countQueries?.(d, queryLength, now) : undefined;
    return counts === undefined ? [] : [{ ...counts, id: d.id, profile: d.body.credentials }];
  });
}
