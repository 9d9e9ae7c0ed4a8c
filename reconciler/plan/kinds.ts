/* The kinds of collection the plan layer knows, one entry each; the kind's own module holds the rest. */

import type { Collection, CollectionType } from '../desired/collection.js';
import { conversationPlan } from './kind-conversation.js';
import { filterPlan } from './kind-filter.js';
import { listPlan } from './kind-list.js';
import { lookupPlan } from './kind-lookup.js';
import { quotesPlan } from './kind-quotes.js';
import { mentionsPlan } from './kind-mentions.js';
import { searchPlan } from './kind-search.js';
import { userTimelinePlan } from './kind-user-timeline.js';
import type { PlanKind } from './plan-kind.js';

const PLAN_KINDS: { readonly [T in CollectionType]: PlanKind<Extract<Collection, { type: T }>> } = {
  user_timeline: userTimelinePlan,
  search: searchPlan,
  filter: filterPlan,
  mentions: mentionsPlan,
  conversation: conversationPlan,
  lookup: lookupPlan,
  quotes: quotesPlan,
  list: listPlan,
};

export function planKind(type: string): PlanKind<Collection> | undefined {
  return Object.hasOwn(PLAN_KINDS, type) ? PLAN_KINDS[type as CollectionType] : undefined;
}
