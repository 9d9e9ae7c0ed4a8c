/*
 * The desired state of one collection, as the planner sees it: the YAML file after validation, with
 * defaults applied and the filter conveniences compiled. Field names stay those of the YAML format.
 * What is common lives in collection-fields.ts; what each kind adds, in its kind-*.ts.
 */

import { commonFields, type CollectionDocument } from './collection-fields.js';
import type { KindContext } from './desired-kind.js';
import { desiredKind, type Collection } from './kinds.js';

export * from './collection-fields.js';
export type { Collection, CollectionType } from './kinds.js';
export type { UserTimelineCollection } from './kind-user-timeline.js';
export type { SearchCollection } from './kind-search.js';
export type { FilterCollection } from './kind-filter.js';

export function toCollection(doc: CollectionDocument, maxRuleLength: number, where: Omit<KindContext, 'maxRuleLength'> = {}): Collection {
  return desiredKind(doc.type).toCollection(doc, commonFields(doc), { ...where, maxRuleLength });
}
