/*
 * Routing, the part of a stream group that reads each message: it goes to the harvest of every
 * member whose rules it matched (or waits for a harvest not open yet), and one that matched none is
 * kept in the group's unmatched files. Rule ids come from the last rule sync; a rule X matched
 * before its add was answered is routed by its tag. With backfill, a post a reconnect replays is
 * dropped once.
 */

import { readStreamLine, ruleTagsOf, streamProblem } from '../collect/stream-message.js';
import type { JsonLog } from '../log.js';
import type { TweetFiles } from '../output/tweet-files.js';
import { twarcMetadata } from '../output/twarc-line.js';
import type { StopController } from '../stop.js';
import { tagOwner } from './group-rules.js';
import { tweetIdOf, type RecentIds } from './replay-guard.js';
import type { Slot } from './slot.js';

/** What the router needs of the group's members. */
export interface RoutingMembers {
  slot(collectionId: string): Slot | undefined;
  slots(): Iterable<Slot>;
  isMember(collectionId: string): boolean;
  wantsHarvest(slot: Slot): boolean;
}

/** Messages no member's rules matched are reported at most this often, with a sample of the rules they matched. */
const UNMATCHED_REPORT_MS = 60_000;

export class MessageRouter {
  private routes = new Map<string, readonly string[]>();
  private metadataSecond = 0;
  private metadataTail = Buffer.alloc(0);
  replayedDuplicates = 0;
  private unmatchedReported = 0;
  private unmatchedSince = 0;

  constructor(
    private readonly url: string,
    private readonly members: RoutingMembers,
    private readonly unmatched: TweetFiles,
    private readonly stop: StopController,
    private readonly log: JsonLog,
    /** Ids of the last minutes, kept only while a backfill may replay them. */
    private readonly recent: RecentIds | undefined,
  ) {}

  /** After a rule sync: its rule ids, and those just replaced, which still route what was in flight for members. */
  reroute(synced: ReadonlyMap<string, readonly string[]>): void {
    const inFlight = [...this.routes].filter(([, owners]) => owners.some((id) => this.members.isMember(id)));
    this.routes = new Map([...inFlight, ...synced]);
  }

  /** One line of the stream; resolves once every harvest it went to has taken it. */
  readonly onLine = (line: Buffer): Promise<void> | undefined => {
    const message = readStreamLine(line);
    if (message.kind === 'malformed' || message.kind === 'error') {
      this.log.warn(message.kind === 'error' ? 'stream error message' : 'malformed stream message skipped', { length: line.length });
      for (const slot of this.members.slots()) slot.harvest?.noteProblem(streamProblem(message, line.length));
      return undefined;
    }
    if (message.kind !== 'tweet' || this.stop.stopping || this.replayed(line)) return undefined;
    const head = line.subarray(0, line.lastIndexOf(0x7d));
    const tail = this.twarcTail();
    const waits: Array<Promise<void>> = [];
    const delivered = new Set<string>();
    const deliver = (collectionId: string): void => {
      const slot = this.members.slot(collectionId);
      if (delivered.has(collectionId) || !slot || !this.members.wantsHarvest(slot)) return;
      delivered.add(collectionId);
      const wait = slot.harvest && !slot.harvest.ending ? slot.harvest.append(head, tail) : slot.pending.keep(head, tail, this.unmatched);
      if (wait) waits.push(wait);
    };
    let unknownRule = false;
    for (const ruleId of message.ruleIds) {
      const owners = this.routes.get(ruleId);
      if (owners) owners.forEach(deliver);
      else unknownRule = true;
    }
    // A rule X matched before its add was answered (or added by an earlier run): its tag names its collection.
    if (unknownRule) for (const owner of ruleTagsOf(line).map(tagOwner)) if (owner !== undefined) deliver(owner);
    if (delivered.size === 0) {
      this.reportUnmatched(message.ruleIds);
      const wait = this.unmatched.append([head, tail], 1);
      if (wait) waits.push(wait);
    }
    return waits.length > 0 ? Promise.all(waits).then(() => undefined) : undefined;
  };

  /** The app holds rules for something else, or a rule was changed behind the group's back: said, never dropped. */
  private reportUnmatched(ruleIds: readonly string[]): void {
    this.unmatchedSince += 1;
    const now = Date.now();
    if (now - this.unmatchedReported < UNMATCHED_REPORT_MS) return;
    this.log.warn("stream messages matched none of the rules of the group's collections; kept in the group's unmatched files", {
      messages: this.unmatchedSince,
      total: this.unmatched.tweets + 1,
      rule_ids: ruleIds.slice(0, 5),
      routed_rule_ids: [...this.routes.keys()].slice(0, 5),
    });
    this.unmatchedReported = now;
    this.unmatchedSince = 0;
  }

  private replayed(line: Buffer): boolean {
    if (!this.recent) return false;
    const id = tweetIdOf(line);
    if (id === undefined || !this.recent.seen(id)) return false;
    this.replayedDuplicates += 1;
    return true;
  }

  /** The `__twarc` member that replaces a message's final brace; made once a second. */
  private twarcTail(): Buffer {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.metadataSecond) {
      this.metadataSecond = second;
      this.metadataTail = Buffer.from(`,"__twarc":${twarcMetadata(this.url, new Date(second * 1000))}}`);
    }
    return this.metadataTail;
  }
}
