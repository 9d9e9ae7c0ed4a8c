/*
 * The plan layer's seam for a kind of collection: what its collection.json holds beyond the common
 * fields, and what its scheduled harvests spend of a rate-limited endpoint (for schedule
 * collisions). One module per kind (kind-*.ts), one entry each in kinds.ts.
 */

import type { Collection } from '../desired/collection.js';
import type { ConfigBody } from './config-body.js';

/** A kind's own fields of a config body: everything but the common fields renderBody writes itself. */
export type KindFields = Omit<ConfigBody, 'id' | 'type' | 'description' | 'credentials' | 'output' | 'labels' | 'compliance' | 'budget'>;

export interface RateWindow {
  /** The endpoint, named as X's rate-limit table names it. */
  readonly endpoint: string;
  /** Requests one app may make on it per 15 minutes (X's rate-limit table, per app). */
  readonly perWindow: number;
  /** The fewest requests one harvest makes on it: a page per account, a page per search. */
  readonly requests: number;
}

/** What a harvest reads besides its config, too big for collection.json: apply stores it beside it first. */
export interface KindInput {
  /** `<what>-<sha256 of body>.txt`: a name never changes meaning, so a stored input is never rewritten. */
  readonly name: string;
  readonly body: string;
}

export interface PlanKind<C extends Collection> {
  render(collection: C): KindFields;
  /** The inputs its harvests read (a lookup's ids), which its rendered fields name. */
  inputs?(collection: C): readonly KindInput[];
  /** The rate-limited endpoint a scheduled harvest of this kind spends most on; none for a stream. */
  rateWindow?(body: ConfigBody): RateWindow | undefined;
}
