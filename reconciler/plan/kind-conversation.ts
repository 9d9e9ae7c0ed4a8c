/* The conversation kind in the plan: its threads and where they come from, and a search per thread per harvest. */

import type { ConversationCollection } from '../desired/kind-conversation.js';
import type { PlanKind } from './plan-kind.js';

export const conversationPlan: PlanKind<ConversationCollection> = {
  render: (collection) => ({
    conversations: [...collection.conversations],
    ...(collection.from_collection !== undefined ? { from_collection: { ...collection.from_collection } } : {}),
    archive: collection.archive,
    max_conversations: collection.max_conversations,
    ...(collection.schedule !== undefined ? { schedule: collection.schedule } : {}),
  }),
  rateWindow: (body) => {
    const listed = body.conversations?.length ?? 0;
    const most = body.max_conversations ?? listed;
    const requests = Math.min(most, body.from_collection !== undefined ? most : listed);
    return body.archive === true
      ? { endpoint: 'tweets/search/all', perWindow: 300, requests }
      : { endpoint: 'tweets/search/recent', perWindow: 450, requests };
  },
};
