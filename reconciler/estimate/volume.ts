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
  /** A full-archive search whose first harvest reaches back past the 7 days recent counts cover. */
  readonly reachesBack?: { readonly start: string; readonly end?: string };
}

/** What to count: every active search and filter collection, so that a change's figure stands next to the others'. */
export function volumeQueries(desired: readonly DesiredCollection[], queryLength: number, now: number): VolumeQuery[] {
  return desired
    .filter((d) => d.state === 'active' && d.body.type !== 'user_timeline')
    .map((d) => ({ ...queriesOf(d, queryLength), ...reachBack(d, now), id: d.id, profile: d.body.credentials }));
}

const WEEK_MS = 7 * 86_400_000;

function reachBack(d: DesiredCollection, now: number): Pick<VolumeQuery, 'reachesBack'> {
  const { start_time: start, end_time: end } = d.body;
  if (d.body.type !== 'search' || d.body.archive !== true || start === undefined || Date.parse(start) >= now - WEEK_MS) return {};
  return { reachesBack: { start, ...(end !== undefined ? { end } : {}) } };
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
