import { TWEET_EVERYTHING } from '../../platform/x-api/fields.js';
import { configOfType, type HarvestContext } from '../harvest-context.js';
import { collectNewestFirst, timelineRange } from './newest-first.js';
import { runWorkers } from './workers.js';

/**
 * A mentions harvest: each account's mention timeline from the newest mention stored before (see
 * newest-first.ts for the resume rules), several accounts at once within the rate limit. The
 * accounts are not looked up (a user read each); a timeline X refuses is logged and left.
 */
export async function harvestMentions(context: HarvestContext): Promise<void> {
  const config = configOfType(context.config, 'mentions');
  await runWorkers(Object.keys(config.users), context.tuning.concurrency, context.stop, async (userId) => {
    const end = await collectNewestFirst(context, context.state.start.users?.[userId] ?? {}, {
      fetch: (range) =>
        context.client.get(
          'users/:id/mentions',
          { ...TWEET_EVERYTHING, max_results: '100', ...timelineRange(range) },
          { pathId: userId, signal: context.stop.signal },
        ),
      resumePoint: () => (context.state.users()[userId] ??= {}),
    });
    if (end === 'unavailable') context.log.warn('mention timeline not available', { user_id: userId });
  });
}
