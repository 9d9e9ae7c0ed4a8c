/*
 * The stretches a stream group was not connected: from a disconnect (or, for a group taking over
 * streams that ended moments ago, from their end) to the next connection. Where X offers backfill
 * (Enterprise, up to 5 minutes) a connection asks for the minutes it was away, and only what lies
 * beyond is lost: a gap of the member harvests. The group's record keeps every stretch.
 */

import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';

type GroupGap = NonNullable<ArchiveObjects['stream-group']['gaps']>[number];
export interface LostStretch {
  readonly start: string;
  readonly end: string;
  readonly cause: string;
}

/** A member's stream that ended within this long before the group connects is taken over, the stretch between a gap. */
const TAKEOVER_WINDOW_MS = 5 * 60_000;

export class ConnectionGaps {
  readonly stretches: GroupGap[] = [];
  private down: { readonly at: string; readonly cause: string } | undefined;

  constructor(private readonly backfillMinutes: number) {}

  /** A connection ended (or was refused): the stretch starts now, unless it started already. */
  disconnected(cause: string): void {
    this.down ??= { at: new Date().toISOString(), cause };
  }

  /**
   * Before the group's first connection: streams it takes over (its previous run, or a collection's
   * own stream it replaces) that ended within the window are, for X, a disconnect.
   */
  async takingOver(store: ArchiveStore, collectionIds: readonly string[]): Promise<void> {
    if (this.down) return;
    const ends: number[] = [];
    for (const id of collectionIds) {
      const last = await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest').catch(() => undefined);
      const ended = last ? Date.parse(last.value.ended_at) : Number.NaN;
      if (Date.now() - ended <= TAKEOVER_WINDOW_MS) ends.push(ended);
    }
    if (ends.length > 0)
      this.down = { at: new Date(Math.min(...ends)).toISOString(), cause: 'the streams this group took over ended before it connected' };
  }

  /** What a connection asks X for on top of the stream: the minutes it was away, as many as backfill allows. */
  query(): string {
    if (!this.down || this.backfillMinutes === 0) return '';
    const away = Math.ceil((Date.now() - Date.parse(this.down.at)) / 60_000);
    return `&backfill_minutes=${Math.min(this.backfillMinutes, Math.max(1, away))}`;
  }

  /** A connection came up: records the stretch it ends, and returns what no backfill covers (a gap of the member harvests). */
  connected(): LostStretch | undefined {
    const down = this.down;
    if (!down) return undefined;
    this.down = undefined;
    const now = Date.now();
    const lostUntil = now - this.backfillMinutes * 60_000;
    if (this.backfillMinutes > 0)
      this.stretches.push({
        start: new Date(Math.max(Date.parse(down.at), lostUntil)).toISOString(),
        end: new Date(now).toISOString(),
        cause: down.cause,
        backfilled: true,
      });
    if (Date.parse(down.at) >= lostUntil) return undefined;
    const lost = { start: down.at, end: new Date(lostUntil).toISOString(), cause: down.cause };
    this.stretches.push(lost);
    return lost;
  }
}
