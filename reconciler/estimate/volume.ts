/*
 * The plan's estimate of what collecting will take from the Project's monthly Post cap (pure: the
 * counts themselves are fetched at the edge, estimate-volume.ts). A search is counted by its query,
 * a filter collection by its rules OR-ed into queries no longer than recent search takes; a week of
 * X's recent counts, scaled to a month, is the estimate.
 */

import type { DesiredCollection, Plan } from '../plan/model.js';

/** Days in an average month, for scaling a week of counts. */
const DAYS_PER_MONTH = 30.44;

export interface VolumeQuery {
  readonly id: string;
  readonly profile: string;
  /** The queries whose counts add up to the collection's volume. */
  readonly queries: readonly string[];
  /** Added or changed by this plan. */
  readonly changed: boolean;
  /** Why the estimate is not the whole story (rules counted apart, a first harvest reaching back). */
  readonly note?: string;
  /** Why it cannot be counted at all. */
  readonly uncountable?: string;
}

export interface CollectionVolume {
  readonly id: string;
  readonly profile: string;
  readonly changed: boolean;
  readonly monthly?: number;
  readonly note?: string;
}

export interface VolumeReport {
  readonly cap: number;
  readonly accessLevel: string;
  readonly collections: readonly CollectionVolume[];
  /** The sum of the monthly estimates; counted collections only. */
  readonly total: number;
  readonly overCap: boolean;
}

const VOLUME_FIELDS = /^(query|rules|archive)(\/|$)/;

/**
 * What to count: nothing when the plan adds or changes no search or filter collection; else every
 * active one, so that the new estimate stands next to the others' and their total.
 */
export function volumeQueries(
  desired: readonly DesiredCollection[],
  plan: Pick<Plan, 'actions'>,
  queryLength: number,
  now: number,
): VolumeQuery[] {
  const changed = new Set(
    plan.actions
      .filter((a) => a.type !== 'user_timeline')
      .filter(
        (a) =>
          a.kind === 'create' ||
          a.kind === 'resume' ||
          (a.kind === 'update' && a.changes.some((c) => VOLUME_FIELDS.test(c.path.replace(/^\//, '')))),
      )
      .map((a) => a.id),
  );
  if (changed.size === 0) return [];
  return desired
    .filter((d) => d.state === 'active' && d.body.type !== 'user_timeline')
    .map((d) => ({ ...queriesOf(d, queryLength, now), id: d.id, profile: d.body.credentials, changed: changed.has(d.id) }));
}

function queriesOf(d: DesiredCollection, queryLength: number, now: number): Pick<VolumeQuery, 'queries' | 'note' | 'uncountable'> {
  const body = d.body;
  if (body.type === 'search') {
    const query = body.query ?? '';
    const reachesBack = body.start_time !== undefined && Date.parse(body.start_time) < now - 7 * 86_400_000;
    return {
      queries: [query],
      ...(reachesBack ? { note: 'plus a first harvest back to its start_time, not estimated' } : {}),
    };
  }
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
  return {
    queries,
    ...(queries.length > 1
      ? { note: `rules counted in ${queries.length} queries; Posts matching several are counted more than once` }
      : {}),
  };
}

/** A week of counts, by collection id (undefined where none could be had, with the reason), scaled to a month and set against the cap. */
export function volumeReport(
  queries: readonly VolumeQuery[],
  weekly: ReadonlyMap<string, number | { readonly reason: string }>,
  cap: { readonly accessLevel: string; readonly posts: number },
): VolumeReport {
  const collections = queries.map((q): CollectionVolume => {
    const counted = weekly.get(q.id);
    const base = { id: q.id, profile: q.profile, changed: q.changed };
    if (typeof counted === 'number')
      return { ...base, monthly: Math.round((counted * DAYS_PER_MONTH) / 7), ...(q.note !== undefined ? { note: q.note } : {}) };
    return { ...base, note: q.uncountable ?? counted?.reason ?? 'not counted' };
  });
  const total = collections.reduce((sum, c) => sum + (c.monthly ?? 0), 0);
  return { cap: cap.posts, accessLevel: cap.accessLevel, collections, total, overCap: total > cap.posts };
}
