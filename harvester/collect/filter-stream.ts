import { TWEET_EVERYTHING } from '../../platform/x-api/fields.js';
import { XAppAuthRequired } from '../../platform/x-api/errors.js';
import { recordError, type HarvestContext } from '../harvest-context.js';
import { twarcMetadata } from '../output/twarc-line.js';
import { syncRules } from './stream-rules.js';
import { readStreamLine, streamProblem } from './stream-message.js';
import { describeStreamEnd, readUntilStopped } from './stream-ends.js';

/** Unmatched messages are logged at most this often, with a sample of the rules they matched. */
const UNMATCHED_REPORT_MS = 60_000;

/**
 * A filter harvest: sync the collection's rules, then read the stream until stopped, reconnecting
 * with X's backoff. Each message is stored as sent, with `__twarc`. With `max_records`, the
 * collection ends once that many tweets are stored across all its harvests.
 *
 * What a crash can lose: the messages in the file being written (at most `tweets_per_file`
 * tweets or `rotate_minutes` of stream), since a stream cannot be replayed.
 */
export async function harvestFilterStream(context: HarvestContext): Promise<void> {
  const { config, state, stop, client } = context;
  const bearerToken = context.credentials.bearerToken;
  if (bearerToken === undefined) throw new XAppAuthRequired(config.credentials, 'tweets/search/stream');
  const limit = config.max_records;
  const before = state.start.stream?.tweets ?? 0;
  if (limit !== undefined && before >= limit) {
    stop.stop('max_records', `max_records (${limit}) was reached by earlier harvests`);
    return;
  }
  const ownRules = await syncRules(context);
  const url = `${client.baseUrl}tweets/search/stream?${new URLSearchParams(TWEET_EVERYTHING).toString()}`;
  let metadataSecond = 0;
  let metadataTail = Buffer.alloc(0);
  let stored = 0;

  const onLine = (line: Buffer): Promise<void> | undefined => {
    const message = readStreamLine(line);
    if (message.kind === 'malformed' || message.kind === 'error') {
      recordError(context.stats, streamProblem(message, line.length), 'tweets/search/stream');
      context.log.warn(message.kind === 'error' ? 'stream error message' : 'malformed stream message skipped', { length: line.length });
      return undefined;
    }
    if (message.kind !== 'tweet' || stop.stopping) return undefined;
    const second = Math.floor(Date.now() / 1000);
    if (second !== metadataSecond) {
      metadataSecond = second;
      metadataTail = Buffer.from(`,"__twarc":${twarcMetadata(url, new Date(second * 1000))}}`);
    }
    // Delivered is charged, whether it matched the collection's rules or not.
    context.stats.billing.streamPost();
    if (!message.ruleIds.some((id) => ownRules.has(id))) return keepUnmatched(line, message.ruleIds);
    stored += 1;
    const total = before + stored;
    // The message as sent, its final brace replaced by the __twarc member.
    const wait = context.files.append(
      [line.subarray(0, line.lastIndexOf(0x7d)), metadataTail],
      1,
      () => {
        const stream = (state.draft.stream ??= {});
        stream.tweets = total;
      },
      { replacesPrevious: true },
    );
    if (limit !== undefined && total >= limit) stop.stop('max_records', `max_records (${limit}) reached`);
    return wait;
  };

  const keepUnmatched = unmatchedKeeper(context, ownRules, () => metadataTail);

  await readUntilStopped({
    url,
    bearerToken,
    profile: config.credentials,
    silenceMs: context.tuning.streamSilenceMs,
    backoffScale: context.tuning.backoffScale,
    stop,
    onLine,
    onAttempt: () => {
      context.stats.requests['tweets/search/stream'] = (context.stats.requests['tweets/search/stream'] ?? 0) + 1;
    },
    onConnected: () => {
      context.log.info('stream connected');
    },
    onDisconnected: (end, waitMs) => {
      if (end.kind === 'refused' || end.kind === 'silent' || end.kind === 'network')
        recordError(context.stats, `stream ${describeStreamEnd(end)}`, 'tweets/search/stream');
      context.stats.reconnects += 1;
      context.log.warn('stream disconnected; reconnecting', { reason: describeStreamEnd(end), wait_ms: waitMs });
    },
  });
}

/**
 * A message none of the collection's rules matched (the app holds rules for something else, or a
 * rule was changed behind its back) is never dropped: it is kept apart, counted and reported.
 */
function unmatchedKeeper(
  context: HarvestContext,
  ownRules: ReadonlySet<string>,
  metadataTail: () => Buffer,
): (line: Buffer, ruleIds: readonly string[]) => Promise<void> | undefined {
  let unmatchedReported = 0;
  let unmatchedSince = 0;
  return (line, ruleIds) => {
    unmatchedSince += 1;
    const now = Date.now();
    if (now - unmatchedReported >= UNMATCHED_REPORT_MS) {
      context.log.warn("stream messages matched none of this collection's rules; kept in unmatched files of the harvest", {
        messages: unmatchedSince,
        total: context.unmatched.tweets + 1,
        rule_ids: ruleIds.slice(0, 5),
        own_rule_ids: [...ownRules].slice(0, 5),
      });
      unmatchedReported = now;
      unmatchedSince = 0;
    }
    return context.unmatched.append([line.subarray(0, line.lastIndexOf(0x7d)), metadataTail()], 1);
  };
}
