/*
 * One member collection's harvest inside a stream group: everything a harvest of its own has (its
 * lock, tweet files, manifest, harvest.json, last_harvest.json, state, max_records, the stop
 * protocol) but no connection; the group hands it the messages its rules matched.
 */

import type { HeldLock } from '../../platform/archive/lock.js';
import { recordError, type HarvestContext, type HarvestOutcome } from '../harvest-context.js';
import { finalizeHarvest } from '../finalize.js';
import { openLockedHarvest, recordHarvestStart, type LockedHarvestOptions } from '../locked-harvest.js';
import { repairGap, StoredIds, type GapRecord, type RepairBounds } from './gap-repair.js';
import { tweetIdOf } from './replay-guard.js';

/** A member's harvest stops by its own controller (stop protocol, max_records) or by its group, never by a process signal. */
export interface MemberOptions extends Omit<LockedHarvestOptions, 'stop'> {
  /** The config's hash in the collections index: a new one means the collection was edited. */
  readonly hash: string;
  /** Where this harvest's control API is reached: its group's server, under the collection's path. */
  readonly controlUrl: string;
}

export class MemberHarvest {
  private finished: Promise<HarvestOutcome> | undefined;
  /** Stream messages stored by this harvest, for max_records across harvests. */
  private stored = 0;
  /** With repair_gaps: the ids it stored lately, which a repair leaves out, and the repairs under way. */
  private readonly storedIds: StoredIds | undefined;
  private readonly repairs: Array<Promise<void>> = [];

  private constructor(
    readonly context: HarvestContext,
    readonly hash: string,
    private readonly lock: HeldLock,
    private readonly startedAt: Date,
    private readonly lease: { lost: boolean },
    private readonly endWatch: () => void,
  ) {
    this.storedIds = context.config.repair_gaps === true ? new StoredIds() : undefined;
  }

  /** Takes the collection's lock and opens its harvest; throws LockHeld while another harvest has it. */
  static async open(options: MemberOptions): Promise<MemberHarvest> {
    const { context, lock, lease, endWatch } = await openLockedHarvest(options);
    const startedAt = new Date();
    const member = new MemberHarvest(context, options.hash, lock, startedAt, lease, endWatch);
    try {
      await recordHarvestStart({ context, lock }, startedAt, options.controlUrl);
    } catch (error) {
      context.stop.stop('failed', error instanceof Error ? error.message : String(error));
      await member.finish();
      throw error;
    }
    context.log.info('harvest started in its stream group', { type: options.config.type, control: options.controlUrl });
    return member;
  }

  get id(): string {
    return this.context.config.id;
  }

  get token(): string {
    return this.lock.value.control?.token ?? '';
  }

  /** True once the harvest ends or is ending: it takes no more messages. */
  get ending(): boolean {
    return this.context.stop.stopping;
  }

  get isFinalized(): boolean {
    return this.finished !== undefined;
  }

  /** Stores one message (its bytes up to the final brace, then the `__twarc` member); counts toward max_records. */
  append(head: Buffer, twarcTail: Buffer): Promise<void> | undefined {
    if (this.ending) return undefined;
    const { state, config, stop } = this.context;
    const id = tweetIdOf(head);
    if (id !== undefined && this.storedIds) {
      // A repair's search may find a post before the stream brings it: it is stored once.
      if (this.storedIds.has(id)) return undefined;
      this.storedIds.add(id);
    }
    this.stored += 1;
    const total = (state.start.stream?.tweets ?? 0) + this.stored;
    const wait = this.context.files.append(
      [head, twarcTail],
      1,
      () => {
        (state.draft.stream ??= {}).tweets = total;
      },
      { replacesPrevious: true, ...(id !== undefined ? { ids: id } : {}) },
    );
    // Charged once stored: the charge may spend the budget, and that stop finishes the harvest at once.
    this.context.stats.billing.streamPost();
    if (config.max_records !== undefined && total >= config.max_records)
      stop.stop('max_records', `max_records (${config.max_records}) reached`);
    return wait;
  }

  /** Records what X said on the group's connection (an error message, a line cut short), unless the harvest is ending. */
  noteProblem(problem: string): void {
    if (!this.ending) recordError(this.context.stats, problem, 'tweets/search/stream');
  }

  /**
   * Counts a reconnect of the group's connection (not its first), and a stretch it could not
   * collect, into this harvest's record; with repair_gaps, returns what starts the stretch's repair.
   */
  noteConnection(
    reconnect: boolean,
    gap?: { readonly start: string; readonly end: string; readonly cause: string },
  ): ((bounds: RepairBounds) => void) | undefined {
    if (reconnect) this.context.stats.reconnects += 1;
    if (!gap) return undefined;
    const own: GapRecord = { ...gap };
    this.context.stats.gaps.push(own);
    const stored = this.storedIds;
    if (!stored) return undefined;
    return (bounds) => {
      this.repairs.push(
        repairGap(this.context, own, bounds, stored).catch((error: unknown) => {
          this.context.log.warn('a gap repair failed', { error: error instanceof Error ? error.message : String(error) });
        }),
      );
    };
  }

  /** Finishes the harvest (once, whoever asks): files, manifest, harvest.json, state, last_harvest.json, lock. */
  finish(): Promise<HarvestOutcome> {
    this.finished ??= (async () => {
      // A repair stores into this harvest: it finishes (or, when the harvest is stopped, gives up) first.
      await Promise.all(this.repairs);
      this.endWatch();
      if (!this.context.stop.stopping) this.context.stop.stop('requested', 'its stream group is ending');
      return finalizeHarvest(this.context, {
        startedAt: this.startedAt,
        lock: this.lock,
        lostLock: () => this.lease.lost,
        took: this.lock.value.took_over,
      });
    })();
    return this.finished;
  }

  tweets(): number {
    return this.context.files.tweets;
  }

  /** What its control API's GET / answers: the counters any harvest shows, and its group and gaps. */
  status(group: string): Record<string, unknown> {
    const { context } = this;
    return {
      collection: this.id,
      harvest_id: context.harvestId,
      type: context.config.type,
      stream_group: group,
      started_at: this.startedAt.toISOString(),
      tweets: context.files.tweets,
      files: context.files.stored.length,
      reconnects: context.stats.reconnects,
      gaps: context.stats.gaps.length,
      stopping: this.ending,
    };
  }
}
