/* The kinds of collection the estimate knows, one entry each; the kind's own module holds the rest. */

import type { CollectionType } from '../desired/collection.js';
import type { EstimateKind } from './estimate-kind.js';
import { conversationEstimate } from './kind-conversation.js';
import { filterEstimate } from './kind-filter.js';
import { listEstimate } from './kind-list.js';
import { lookupEstimate } from './kind-lookup.js';
import { quotesEstimate } from './kind-quotes.js';
import { mentionsEstimate } from './kind-mentions.js';
import { searchEstimate } from './kind-search.js';
import { userTimelineEstimate } from './kind-user-timeline.js';

const BY_TYPE: { readonly [T in CollectionType]: EstimateKind } = {
  user_timeline: userTimelineEstimate,
  search: searchEstimate,
  filter: filterEstimate,
  mentions: mentionsEstimate,
  conversation: conversationEstimate,
  lookup: lookupEstimate,
  quotes: quotesEstimate,
  list: listEstimate,
};

export const ESTIMATE_KINDS: readonly EstimateKind[] = Object.values(BY_TYPE);

export function estimateKind(type: string): EstimateKind | undefined {
  return Object.hasOwn(BY_TYPE, type) ? BY_TYPE[type as CollectionType] : undefined;
}
