/*
 * The harvester's seam for a kind of collection: the collector that harvests it, one entry per
 * kind. A collector takes its own config with configOfType and writes through the harvest context;
 * the streaming kind has none of its own: it runs in its profile's stream group (a group of one
 * when harvested by itself).
 */

import type { CollectionConfig, HarvestContext } from '../harvest-context.js';
import { harvestConversations } from './conversations.js';
import { harvestLists } from './lists.js';
import { harvestLookup } from './lookup.js';
import { harvestQuotes } from './quotes.js';
import { harvestMentions } from './mentions.js';
import { harvestSearch } from './search.js';
import { harvestUserTimelines } from './user-timeline.js';

export type Collector = (context: HarvestContext) => Promise<void>;

/** What a streaming kind has for a collector: the stream group harvests it. */
export const IN_STREAM_GROUP = 'in-stream-group';

const COLLECTORS: { readonly [T in CollectionConfig['type']]: Collector | typeof IN_STREAM_GROUP } = {
  user_timeline: harvestUserTimelines,
  search: harvestSearch,
  filter: IN_STREAM_GROUP,
  mentions: harvestMentions,
  conversation: harvestConversations,
  lookup: harvestLookup,
  quotes: harvestQuotes,
  list: harvestLists,
};

export function collectorOf(type: CollectionConfig['type']): Collector | typeof IN_STREAM_GROUP {
  return COLLECTORS[type];
}
