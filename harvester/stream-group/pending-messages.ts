/*
 * Messages for a member collection whose harvest is not open at the moment they arrive: it is
 * joining (waiting for its lock, say while the harvest it replaces finishes) or rolling over after
 * an edit. They wait here, in order, and go into its harvest when it opens. Past a bound they go to
 * the group's unmatched files instead: kept and counted, never dropped, and never unbounded memory.
 */

import type { TweetFiles } from '../output/tweet-files.js';
import type { JsonLog } from '../log.js';
import type { MemberHarvest } from './member-harvest.js';

const PENDING_LIMIT_BYTES = 32 * 1024 * 1024;

export class PendingMessages {
  private messages: Array<readonly [Buffer, Buffer]> = [];
  private bytes = 0;
  private overflowed = 0;

  constructor(
    private readonly log: JsonLog,
    private readonly collectionId: string,
    private readonly limitBytes = PENDING_LIMIT_BYTES,
  ) {}

  /** Keeps a message (a copy: the line's chunk is not held); past the bound it goes to `overflow`. */
  keep(head: Buffer, twarcTail: Buffer, overflow: TweetFiles): Promise<void> | undefined {
    if (this.bytes + head.length > this.limitBytes) {
      if (this.overflowed++ === 0)
        this.log.warn(
          "messages for a member whose harvest is not open passed the waiting bound; they are kept in the group's unmatched files",
          {
            collection: this.collectionId,
            bound_bytes: this.limitBytes,
          },
        );
      return overflow.append([head, twarcTail], 1);
    }
    this.messages.push([Buffer.from(head), twarcTail]);
    this.bytes += head.length;
    return undefined;
  }

  /** Moves every waiting message into the harvest, in order, until none is left. */
  async drainInto(harvest: MemberHarvest): Promise<void> {
    while (this.messages.length > 0) {
      const waiting = this.take();
      for (const [head, tail] of waiting) await harvest.append(head, tail);
    }
  }

  /** Moves every waiting message to the unmatched files (the member left before its harvest opened). */
  async spill(unmatched: TweetFiles): Promise<void> {
    for (const [head, tail] of this.take()) await unmatched.append([head, tail], 1);
  }

  private take(): Array<readonly [Buffer, Buffer]> {
    const taken = this.messages;
    this.messages = [];
    this.bytes = 0;
    return taken;
  }
}
