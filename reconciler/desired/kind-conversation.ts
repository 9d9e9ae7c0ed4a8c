/* The conversation kind, as the desired layer sees it: reply threads by conversation id, listed or snowballed. */

import { present, type CommonFields } from './collection-fields.js';
import type { DesiredKind } from './desired-kind.js';
import { checkSnowball } from './snowball-checks.js';

export interface ConversationCollection extends CommonFields {
  readonly type: 'conversation';
  readonly conversations: readonly string[];
  readonly from_collection?: { readonly id: string; readonly min_replies: number };
  readonly archive: boolean;
  readonly max_conversations: number;
  readonly schedule?: string;
}

interface ConversationDocument {
  conversations?: string[];
  from_collection?: { id: string; min_replies?: number };
  archive?: boolean;
  max_conversations?: number;
  schedule?: string;
}

export const DEFAULT_MIN_REPLIES = 1;
export const DEFAULT_MAX_CONVERSATIONS = 100;

export const conversationKind: DesiredKind<ConversationCollection> = {
  type: 'conversation',
  template: `# Threads by the id of their first post (quote the ids), and/or snowballed from the
# posts another collection stored that started threads with replies.
conversations: []
# from_collection:
#   id: climate-search
#   min_replies: 5
# false: the last 7 days (recent search); true: the full archive.
archive: false
# The most conversations one harvest searches: the listed first, then the newest snowballed.
max_conversations: 100
# When to harvest (UTC), as an EventBridge expression: rate(1 day), rate(6 hours),
# or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 6 * * ? *).
schedule: rate(1 day)`,
  toCollection(doc, common) {
    const fields = doc as ConversationDocument;
    const from = fields.from_collection;
    return {
      ...common,
      type: 'conversation',
      conversations: fields.conversations ?? [],
      ...(from !== undefined ? { from_collection: { id: from.id, min_replies: from.min_replies ?? DEFAULT_MIN_REPLIES } } : {}),
      archive: fields.archive ?? false,
      max_conversations: fields.max_conversations ?? DEFAULT_MAX_CONVERSATIONS,
      ...present(fields, 'schedule'),
    };
  },
  check: (doc, { report }) => {
    checkSnowball(doc, 'conversations', report);
  },
};
