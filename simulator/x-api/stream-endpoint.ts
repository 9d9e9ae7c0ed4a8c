/*
 * The filtered stream as X API v2 serves it, its rules kept per app by stream-rules.ts: one
 * connection per app, messages framed by `\r\n` with `matching_rules`, `\r\n` keep-alives, and
 * in-stream operational disconnects.
 */

import type { ServerResponse } from 'node:http';
import type { Corpus } from './corpus.js';
import type { Reply } from './parameters.js';
import type { FakeAccessLevel } from './rest-endpoints.js';
import { StreamRuleBook, type StreamRule } from './stream-rules.js';

export type StreamFault =
  | { readonly kind: 'operational-disconnect' }
  | { readonly kind: 'malformed-line' }
  /** The connection drops; with `missed`, X matches that many tweets before the client is back (only backfill brings them). */
  | { readonly kind: 'reset'; readonly missed?: number }
  | { readonly kind: 'stall'; readonly ms: number };

export interface StreamPlan {
  /** Tweets to deliver in all, across connections; after that only keep-alives. */
  readonly tweets: number;
  /** Tweets per second; unset means as fast as the client reads. */
  readonly perSecond?: number;
  readonly keepAliveMs: number;
  /** Keep every delivered id, for tests that check what was stored against what was served. */
  readonly recordServed?: boolean;
  /** How messages go on the wire, in the ways X's do besides its usual compact order. */
  readonly wire?: StreamWire;
  /**
   * The app may reconnect with backfill_minutes (X offers it to Enterprise access, up to 5 minutes):
   * the fake keeps 5 minutes of matched messages and replays those of the minutes asked for, oldest
   * first, before new ones, without removing what the client already had (X does not de-duplicate).
   */
  readonly backfill?: boolean;
  /** Every post matched is kept for search (corpus.streamMatched): a search with the rules finds it. */
  readonly searchable?: boolean;
  /**
   * X matches posts whether a client is connected or not: with this, a connection counts the
   * tweets matched (at `perSecond`) since the app's last connection closed, as X would have, and
   * only a backfill delivers them (at most 5 minutes' worth are kept).
   */
  readonly matchWhileAway?: boolean;
}

/** X replays at most this much on a reconnect with backfill_minutes. */
const BACKFILL_LIMIT_MS = 5 * 60_000;

export interface StreamWire {
  /** Rule ids as JSON numbers, as early v2 stream messages carried them. */
  readonly numericRuleIds?: boolean;
  /** Members in a different order from message to message (JSON objects are unordered). */
  readonly reorderMembers?: boolean;
  /** Message k is written in two pieces split at byte k (mod its length): inside JSON, inside a character, inside \r\n. */
  readonly splitAtEveryOffset?: boolean;
  /** An `errors` member beside `data`, as X sends for an expansion it could not find. */
  readonly errorsInside?: boolean;
  /** Every n-th message matches a rule the app does not hold (another tool's, or one deleted meanwhile). */
  readonly foreignRuleEvery?: number;
  /** Every n-th message also matches the app's next rule: one tweet matching two rules, listed in matching_rules together. */
  readonly twoRulesEvery?: number;
}

/** A rule id no app of the fake ever holds (ids it makes start above 1.6e18). */
export const FOREIGN_RULE_ID = '1500000000000000001';

export class StreamService {
  private readonly connected = new Set<string>();
  /** Faults applied after the given number of delivered tweets, in order. */
  private readonly faults: Array<{ afterTweets: number; fault: StreamFault }> = [];
  delivered = 0;
  readonly served: string[] = [];
  /** With recordServed: each served tweet's id and the rules (value and tag) it matched, as sent. */
  readonly servedMatches: Array<{ readonly id: string; readonly rules: ReadonlyArray<{ readonly value: string; readonly tag?: string }> }> =
    [];
  /** Ids of the served tweets that matched FOREIGN_RULE_ID. */
  readonly servedForeign: string[] = [];
  /** With plan.backfill: the messages X matched for the app in the last 5 minutes, with when. */
  private readonly history: Array<{ readonly at: number; readonly message: string }> = [];
  /** Messages replayed by backfill in all. */
  replayed = 0;
  /** With plan.matchWhileAway: when each app's last connection closed, and the tweets matched while none was open. */
  private readonly awaySince = new Map<string, number>();
  missedWhileAway = 0;
  /** Bytes of the longest message written, \r\n included. */
  longestMessage = 0;
  connections = 0;

  private readonly ruleBook: StreamRuleBook;

  constructor(
    private readonly corpus: Corpus,
    public plan: StreamPlan,
    accessLevel: FakeAccessLevel = 'pro',
  ) {
    this.ruleBook = new StreamRuleBook(accessLevel);
  }

  injectFault(afterTweets: number, fault: StreamFault): void {
    this.faults.push({ afterTweets, fault });
    this.faults.sort((a, b) => a.afterTweets - b.afterTweets);
  }

  rulesOf(app: string): readonly StreamRule[] {
    return this.ruleBook.rulesOf(app);
  }

  listRules(app: string): Reply {
    return this.ruleBook.list(app);
  }

  changeRules(app: string, body: unknown): Reply {
    return this.ruleBook.change(app, body);
  }

  /** True when the app already holds its one connection. */
  isConnected(app: string): boolean {
    return this.connected.has(app);
  }

  connect(app: string, response: ServerResponse, backfillMinutes = 0): void {
    this.connected.add(app);
    this.connections += 1;
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'transfer-encoding': 'chunked' });
    const away = this.awaySince.get(app);
    const rules = this.rulesOf(app);
    if (this.plan.matchWhileAway === true && away !== undefined && this.plan.perSecond !== undefined && rules.length > 0) {
      const matched = Math.min(
        Math.floor(((Date.now() - away) * this.plan.perSecond) / 1000),
        (BACKFILL_LIMIT_MS / 1000) * this.plan.perSecond,
      );
      for (let i = 0; i < matched && this.delivered < this.plan.tweets; i += 1) this.message(rules);
      this.missedWhileAway += matched;
    }
    if (this.plan.backfill === true && backfillMinutes > 0) {
      const since = Date.now() - Math.min(backfillMinutes * 60_000, BACKFILL_LIMIT_MS);
      for (const { at, message } of this.history) {
        if (at < since) continue;
        response.write(message);
        this.replayed += 1;
      }
    }
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      this.connected.delete(app);
      this.awaySince.set(app, Date.now());
      clearTimeout(timer);
      clearInterval(keepAlive);
    };
    response.on('close', finish);
    let lastWrite = Date.now();
    let stalledUntil = 0;
    const keepAlive = setInterval(
      () => {
        const now = Date.now();
        if (now - lastWrite >= this.plan.keepAliveMs && now >= stalledUntil && !closed) {
          response.write('\r\n');
          lastWrite = now;
        }
      },
      Math.max(10, Math.floor(this.plan.keepAliveMs / 4)),
    );

    const pump = (): void => {
      timer = undefined;
      while (!closed) {
        const fault = this.faults[0];
        if (fault && this.delivered >= fault.afterTweets) {
          this.faults.shift();
          if (fault.fault.kind === 'stall') {
            stalledUntil = Date.now() + fault.fault.ms;
            timer = setTimeout(pump, fault.fault.ms);
            return;
          }
          if (fault.fault.kind === 'reset') {
            response.socket?.destroy();
            finish();
            // Matched while the client is away: delivered only by a backfill.
            const rules = this.rulesOf(app);
            for (let missed = 0; missed < (fault.fault.missed ?? 0) && rules.length > 0; missed += 1) this.message(rules);
            return;
          }
          if (fault.fault.kind === 'malformed-line') {
            response.write('{"data":{"id":"1","text":"truncated\r\n');
            continue;
          }
          response.end(`${JSON.stringify(operationalDisconnect())}\r\n`);
          finish();
          return;
        }
        const rules = this.rulesOf(app);
        if (this.delivered >= this.plan.tweets) return; // keep-alives only
        if (rules.length === 0) {
          // X matches rules added while a client is connected on the open connection, without a reconnect.
          timer = setTimeout(pump, 20);
          return;
        }
        const message = this.message(rules);
        lastWrite = Date.now();
        if (this.plan.wire?.splitAtEveryOffset === true) {
          const bytes = Buffer.from(message);
          this.longestMessage = Math.max(this.longestMessage, bytes.length);
          const at = this.delivered % bytes.length;
          response.write(bytes.subarray(0, at));
          // A separate write a moment later reaches the client as a separate chunk.
          timer = setTimeout(() => {
            response.write(bytes.subarray(at));
            pump();
          }, 1);
          return;
        }
        const more = response.write(message);
        if (!more) {
          response.once('drain', pump);
          return;
        }
        if (this.plan.perSecond !== undefined) {
          timer = setTimeout(pump, 1000 / this.plan.perSecond);
          return;
        }
      }
    };
    setImmediate(pump);
  }

  private message(rules: readonly StreamRule[]): string {
    const rule = rules[this.delivered % rules.length] ?? rules[0];
    const author = this.corpus.users[this.delivered % this.corpus.users.length];
    const live = this.corpus.liveTweet(author?.id ?? '0');
    const id = String(live.json['id']);
    this.delivered += 1;
    if (this.plan.recordServed) this.served.push(id);
    const data = live.json;
    const includes = live.includes;
    const wire = this.plan.wire ?? {};
    const foreign = wire.foreignRuleEvery !== undefined && this.delivered % wire.foreignRuleEvery === 0;
    if (foreign) this.servedForeign.push(id);
    const second = wire.twoRulesEvery !== undefined && this.delivered % wire.twoRulesEvery === 0 && rules.length > 1;
    const matchedRules = rule ? (second ? [rule, rules[this.delivered % rules.length] ?? rule] : [rule]) : [];
    const matched = foreign
      ? [{ id: FOREIGN_RULE_ID, tag: 'not-ours' }]
      : matchedRules.map((r) => ({ id: r.id, ...(r.tag !== undefined ? { tag: r.tag } : {}) }));
    if (this.plan.searchable === true && !foreign)
      this.corpus.streamMatched.push({ tweet: live.tweet, rules: matchedRules.map((r) => r.value) });
    if (this.plan.recordServed && !foreign)
      this.servedMatches.push({ id, rules: matchedRules.map((r) => ({ value: r.value, ...(r.tag !== undefined ? { tag: r.tag } : {}) })) });
    const rulesText = `[${matched
      .map(
        (m) =>
          `{"id":${wire.numericRuleIds === true ? m.id : JSON.stringify(m.id)}${m.tag !== undefined ? `,"tag":${JSON.stringify(m.tag)}` : ''}}`,
      )
      .join(',')}]`;
    const members = [
      `"data":${JSON.stringify(data)}`,
      `"includes":${JSON.stringify(includes)}`,
      `"matching_rules":${rulesText}`,
      ...(wire.errorsInside === true ? [`"errors":${JSON.stringify([notFoundError(author?.id ?? '0')])}`] : []),
    ];
    const turn = wire.reorderMembers === true ? this.delivered % members.length : 0;
    const text = `{${[...members.slice(turn), ...members.slice(0, turn)].join(',')}}\r\n`;
    if (this.plan.backfill === true) {
      const now = Date.now();
      this.history.push({ at: now, message: text });
      while ((this.history[0]?.at ?? now) < now - BACKFILL_LIMIT_MS) this.history.shift();
    }
    return text;
  }
}

/** X's problem for an expansion it could not resolve, sent beside the tweet it belongs to. */
function notFoundError(userId: string): unknown {
  return {
    value: userId,
    detail: `Could not find user with id: [${userId}].`,
    title: 'Not Found Error',
    resource_type: 'user',
    parameter: 'entities.mentions.id',
    resource_id: userId,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  };
}

function operationalDisconnect(): unknown {
  return {
    errors: [
      {
        title: 'operational-disconnect',
        disconnect_type: 'OperationalDisconnect',
        detail: 'This stream has been disconnected for operational reasons.',
        type: 'https://api.twitter.com/2/problems/operational-disconnect',
      },
    ],
  };
}

export const TOO_MANY_CONNECTIONS = {
  title: 'ConnectionException',
  detail: 'This stream is currently at the maximum allowed connection limit.',
  connection_issue: 'TooManyConnections',
  type: 'https://api.twitter.com/2/problems/streaming-connection',
};
