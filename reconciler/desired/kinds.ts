/*
 * The kinds of collection the desired layer knows, one entry each (the kind's own module holds the
 * rest). schemas/kinds/kinds.json lists the same kinds for the schemas; a unit spec holds the two
 * equal. The collection types below are derived from this table, so a kind added here is a kind
 * everywhere the types reach.
 */

import type { DesiredKind } from './desired-kind.js';
import { conversationKind } from './kind-conversation.js';
import { filterKind } from './kind-filter.js';
import { listKind } from './kind-list.js';
import { lookupKind } from './kind-lookup.js';
import { quotesKind } from './kind-quotes.js';
import { mentionsKind } from './kind-mentions.js';
import { searchKind } from './kind-search.js';
import { userTimelineKind } from './kind-user-timeline.js';

export const DESIRED_KINDS = {
  user_timeline: userTimelineKind,
  search: searchKind,
  filter: filterKind,
  mentions: mentionsKind,
  conversation: conversationKind,
  lookup: lookupKind,
  quotes: quotesKind,
  list: listKind,
} as const;

export type CollectionType = keyof typeof DESIRED_KINDS;
export type Collection = (typeof DESIRED_KINDS)[CollectionType] extends infer K ? (K extends DesiredKind<infer C> ? C : never) : never;
export const COLLECTION_TYPES = Object.keys(DESIRED_KINDS) as CollectionType[];

export function isCollectionType(type: string): type is CollectionType {
  return Object.hasOwn(DESIRED_KINDS, type);
}

/** The kind of a schema-valid document or a rendered collection. */
export function desiredKind(type: string): DesiredKind<Collection> {
  if (!isCollectionType(type)) throw new Error(`no kind of collection is called ${type}`);
  return DESIRED_KINDS[type];
}

/** The kinds whose files list accounts by user id (`users add` edits them). */
export const ACCOUNT_KINDS = COLLECTION_TYPES.filter((type) => DESIRED_KINDS[type].accounts !== undefined);
