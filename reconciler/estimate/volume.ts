/*
 * What the cost estimate asks X's recent counts about (pure; the counts are fetched at the edge,
 * estimate-cost.ts): a search by its query, a filter collection by its rules OR-ed into queries no
 * longer than recent search takes (posts matching rules in two queries are counted twice).
 */

import type { DesiredCollection } from '../plan/model.js';

export interface VolumeQuery {
  readonly id: string;
  readonly profile: string;
  /** The queries whose counts add up to the collection's volume. */
  readonly queries: readonly string[];
  /** Why it cannot be counted at all. */
  readonly uncountable?: string;
}

/** What to count: every active search and filter collection, so that a change's figure stands next to the others'. */
export function volumeQueries(desired: readonly DesiredCollection[], queryLength: number): VolumeQuery[] {
  return desired
    .filter((d) => d.state === 'active' && d.body.type !== 'user_timeline')
    .map((d) => ({ ...queriesOf(d, queryLength), id: d.id, profile: d.body.credentials }));
}

function queriesOf(d: DesiredCollection, queryLength: number): Pick<VolumeQuery, 'queries' | 'uncountable'> {
  const body = d.body;
  if (body.type === 'search') return { queries: [body.query ?? ''] };
  const rules = (body.rules ?? []).map((r) => r.value);
  const tooLong = rules.find((r) => r.length + 2 > queryLength);
  if (tooLong !== undefined) return { queries: [], uncountable: `a rule is longer than the ${queryLength} characters a count query takes` };
  const queries: string[] = [];
  let current = '';
  for (const rule of rules) {
    const clause = `(${rule})`;
    const joined = current === '' ? clause : `${current} OR ${clause}`;
    if (joined.length <= queryLength) current = joined;
    else {
      queries.push(current);
      current = clause;
    }
  }
  if (current !== '') queries.push(current);
  return { queries };
}
