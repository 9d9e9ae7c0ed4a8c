/*
 * The conversation kind in the estimate: X's recent counts of its listed threads
 * (`conversation_id:` terms OR-ed into as few queries as fit), a month the week scaled by 30.44 / 7,
 * a first harvest the week counted (recent search's reach). Threads snowballed from another
 * collection are known only once its harvests stored their first posts, and a full-archive first
 * harvest reads each thread whole: neither is counted, and the estimate says so.
 */

import { countedMonth, figure, type EstimateKind } from './estimate-kind.js';
import { orQueries } from '../../platform/x-api/or-queries.js';

export const conversationEstimate: EstimateKind = {
  costFields: ['conversations', 'from_collection', 'archive', 'max_conversations'],
  countQueries: (d, queryLength) => {
    const listed = (d.body.conversations ?? []).slice(0, d.body.max_conversations);
    return listed.length > 0
      ? {
          queries: orQueries(
            listed.map((id) => `conversation_id:${id}`),
            queryLength,
          ).queries,
        }
      : { queries: [], uncountable: `its threads come from ${d.body.from_collection?.id ?? 'another collection'}'s harvests` };
  },
  cost(d, inputs) {
    const month = countedMonth(d, inputs);
    if ('note' in month) return month;
    const snowball = d.body.from_collection !== undefined ? `; the threads snowballed from ${d.body.from_collection.id} are not in it` : '';
    const monthly = { ...month.monthly, how: `${month.monthly.how}${snowball}` };
    if (d.body.archive === true) return { monthly, note: 'a full-archive first harvest reads each thread whole: not counted' };
    return {
      first: figure({ posts: month.counted }, inputs.settings.prices, "the last 7 days of the listed threads, recent search's reach"),
      monthly,
    };
  },
};
