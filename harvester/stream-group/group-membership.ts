/*
 * The member lifecycle of a stream group: it follows the collections index, opening a harvest for
 * each collection that joins, rolling one over when its collection is edited, finishing one that
 * leaves or was stopped, and then makes X's rules match the members that want a harvest. Syncs run
 * one at a time, on a timer and whenever a member's harvest ends.
 */

import type { ArchiveStore } from '../../platform/archive/store.js';
import { streamComplete } from '../../platform/archive/stream-completion.js';
import type { XApiClient } from '../../platform/x-api/client.js';
import { holdBudget } from '../budget-guard.js';
import { memberControlPath } from '../control-server.js';
import type { HarvestStats } from '../harvest-context.js';
import type { JsonLog } from '../log.js';
import { endOwnService } from '../own-ecs-service.js';
import type { TweetFiles } from '../output/tweet-files.js';
import { HarvestStopping, type StopController } from '../stop.js';
import { LockHeld } from '../take-lock.js';
import type { GroupMember, MemberSource } from './group-members.js';
import { syncGroupRules } from './group-rules.js';
import { MemberHarvest, type MemberOptions } from './member-harvest.js';
import { holdAfter, releaseHolds, wantsHarvest } from './member-holds.js';
import type { MessageRouter, RoutingMembers } from './message-router.js';
import { PendingMessages } from './pending-messages.js';
import type { Slot } from './slot.js';

export interface MembershipContext {
  readonly store: ArchiveStore;
  readonly profile: string;
  readonly client: XApiClient;
  readonly stop: StopController;
  readonly log: JsonLog;
  readonly stats: HarvestStats;
  readonly unmatched: TweetFiles;
  /** Who the members are: the collections index, or one collection's config for a group of one. */
  readonly source: MemberSource;
  /**
   * A group of one (`harvest <filter-id>`): it ends when its member's harvest ends for a reason of
   * its own (a stop request, max_records, the budget, a failure), and a lock another harvest holds
   * ends it at once (LockHeld), where a group would wait for the lock.
   */
  readonly alone?: boolean;
  /** What every member harvest opens with, but its own config and control URL. */
  readonly memberOptions: Omit<MemberOptions, 'config' | 'hash' | 'controlUrl'>;
  readonly endOwnService?: () => Promise<void>;
}

export class GroupMembership implements RoutingMembers {
  private readonly members = new Map<string, Slot>();
  /** Every harvest the group opened, in order: the group's record lists them. */
  readonly fed: Array<{ collection: string; harvest: MemberHarvest }> = [];
  private router: MessageRouter | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private syncAgain = false;
  private waitingLogged = false;
  /** Why a group of one could not open its member's harvest: the group ends, and this is thrown. */
  refusal: Error | undefined;
  /** Where the group's control API is reached, once it listens; each member's is under its collection's path. */
  controlBase = '';

  constructor(private readonly context: MembershipContext) {}

  /** The router whose routes each rule sync updates. */
  routeWith(router: MessageRouter): void {
    this.router = router;
  }

  slot(collectionId: string): Slot | undefined {
    return this.members.get(collectionId);
  }

  slots(): Iterable<Slot> {
    return this.members.values();
  }

  ids(): string[] {
    return [...this.members.keys()];
  }

  isMember(collectionId: string): boolean {
    return this.members.has(collectionId);
  }

  wantsHarvest(slot: Slot): boolean {
    return wantsHarvest(slot, slot.member.hash);
  }

  /** The harvest the control API answers for: the open one, or the last one the group ran. */
  harvestOf(collectionId: string): MemberHarvest | undefined {
    return this.members.get(collectionId)?.harvest ?? this.fed.findLast((f) => f.collection === collectionId)?.harvest;
  }

  /** Asks for a sync after the one running; a failed sync is logged and retried by the next. */
  readonly requestSync = (): void => {
    this.syncAgain = true;
    this.syncing = this.syncing.then(async () => {
      if (!this.syncAgain || this.context.stop.stopping) return;
      this.syncAgain = false;
      await this.sync().catch((error: unknown) => {
        if (error instanceof HarvestStopping || this.context.stop.stopping) return;
        if (this.context.alone === true) {
          this.refusal = error instanceof Error ? error : new Error(String(error));
          this.context.stop.stop('failed', this.refusal.message);
          return;
        }
        this.context.log.warn('following the collections index failed; will retry', {
          problem: error instanceof Error ? error.message : String(error),
        });
      });
    });
  };

  /** Resolves once the syncs asked for so far have run. */
  settled(): Promise<void> {
    return this.syncing;
  }

  /** The group is ending: every member's harvest finishes, and what waited for one goes to the unmatched files. */
  async finishAll(why: string): Promise<void> {
    await this.syncing;
    for (const slot of this.members.values()) {
      slot.groupStop = true;
      slot.harvest?.context.stop.stop('requested', `its stream group is stopping: ${why}`);
      await slot.busy;
      await slot.pending.spill(this.context.unmatched);
    }
    await Promise.all(this.fed.map(({ harvest }) => this.finishMember(harvest)));
  }

  /** Once the group has finished its members: whether one's harvest failed (a group of one's outcome is its member's). */
  async memberFailed(): Promise<boolean> {
    const outcomes = await Promise.all(this.fed.map(({ harvest }) => harvest.finish().catch(() => 'failed' as const)));
    return outcomes.includes('failed');
  }

  private async sync(): Promise<void> {
    const { members, known } = await this.context.source.read();
    await this.leave(members);
    for (const [id, member] of members) await this.follow(id, member);
    await this.syncRules(known);
    await this.endWhenNothingToStream();
  }

  /** Finishes the harvests of collections that left the group (removed, suspended or moved). */
  private async leave(members: ReadonlyMap<string, GroupMember>): Promise<void> {
    for (const [id, slot] of this.members) {
      if (members.has(id)) continue;
      this.members.delete(id);
      if (slot.harvest) {
        slot.groupStop = true;
        slot.harvest.context.stop.stop(
          'requested',
          'the collection is no longer an active filter collection of this profile (suspended, removed or moved)',
        );
        await slot.busy;
      }
      await slot.pending.spill(this.context.unmatched);
    }
  }

  /** Takes in a joining or edited member, and opens its harvest where it wants one. */
  private async follow(id: string, member: GroupMember): Promise<void> {
    let fresh = !this.members.has(id);
    const slot = this.members.get(id) ?? { member, harvest: undefined, pending: new PendingMessages(this.context.log, id) };
    this.members.set(id, slot);
    if (slot.member.hash !== member.hash) {
      slot.member = member;
      fresh = true;
      releaseHolds(slot);
      if (slot.harvest) {
        // An edit ends the harvest that ran the old config; what arrives meanwhile waits for the next one.
        this.context.log.info('member collection changed; its harvest rolls over, the connection stays', { collection: id });
        slot.groupStop = true;
        slot.harvest.context.stop.stop('requested', 'the collection was edited; a new harvest continues it');
      }
    }
    // A collection that stored its max_records before (in an earlier run of the group) is not harvested again.
    if (fresh && !slot.harvest && (await streamComplete(this.context.store, id, member.config))) slot.complete = true;
    await slot.busy;
    if (!slot.harvest && this.wantsHarvest(slot)) await this.open(slot);
  }

  /** Makes X's rules those of the members that want a harvest, and routes by what X answered. */
  private async syncRules(known: ReadonlySet<string>): Promise<void> {
    const { client, stop, log, stats } = this.context;
    const wanted = new Map(
      [...this.members].filter(([, slot]) => this.wantsHarvest(slot)).map(([id, slot]) => [id, slot.member.config.rules ?? []]),
    );
    const synced = await syncGroupRules(client, wanted, (owner) => known.has(owner), stop.signal);
    this.router?.reroute(synced.routes);
    if (synced.added.length > 0 || synced.deleted.length > 0)
      log.info('stream rules changed; the connection stays open', { added: synced.added, deleted: synced.deleted });
    for (const problem of synced.problems) {
      stats.errors.push({ at: new Date().toISOString(), message: problem, endpoint: 'tweets/search/stream/rules' });
      log.warn(problem);
    }
  }

  /**
   * Nothing left to stream (no member, or every one at its max_records): the group ends, and nothing
   * idles. Where no service restarts it (`up`, which starts it again once a member changes), it ends
   * too when each member was stopped on request or is complete: `stop` of its last member ends it.
   */
  private async endWhenNothingToStream(): Promise<void> {
    const { stop, log } = this.context;
    const slots = [...this.members.values()];
    if (slots.length > 0 && slots.every((slot) => slot.complete === true)) {
      if (await endOwnService(this.context.endOwnService, log))
        log.info('every member collection is complete; the group ended its own service');
      stop.stop('max_records', 'every member collection reached its max_records');
    } else if (
      !this.context.endOwnService &&
      slots.length > 0 &&
      slots.every((slot) => slot.complete === true || (slot.heldAt === slot.member.hash && !slot.harvest))
    ) {
      log.info('every member collection was stopped on request (or is complete); the group ends until one is edited');
      stop.stop('requested', 'every member collection was stopped on request');
    } else if (slots.length === 0) {
      if (this.context.alone === true) stop.stop('requested', 'the collection is no longer an active filter collection of this profile');
      else if (!this.context.endOwnService) stop.stop('max_records', 'the group has no member collections');
      else if (!this.waitingLogged) log.info('no member collections yet; the group waits for them');
      this.waitingLogged = true;
    } else this.waitingLogged = false;
  }

  /** Opens a member's harvest; while another harvest holds its lock, the next sync tries again. */
  private async open(slot: Slot): Promise<void> {
    try {
      const harvest = await MemberHarvest.open({
        ...this.context.memberOptions,
        config: slot.member.config,
        hash: slot.member.hash,
        controlUrl: `${this.controlBase}${memberControlPath(slot.member.config.id)}`,
      });
      this.fed.push({ collection: harvest.id, harvest });
      harvest.context.stop.signal.addEventListener(
        'abort',
        () => {
          this.retire(slot, harvest);
        },
        { once: true },
      );
      slot.groupStop = false;
      // A member that spent its month's budget stops here, and is retired (held until the month turns).
      await holdBudget(harvest.context);
      if (harvest.context.stop.stopping) return;
      // What waited goes in first; the harvest takes messages directly only once nothing waits.
      await slot.pending.drainInto(harvest);
      slot.harvest = harvest;
    } catch (error) {
      if (!(error instanceof LockHeld) || this.context.alone === true) throw error;
      this.context.log.info('member collection is harvested elsewhere still; joining once its lock is free', {
        collection: slot.member.config.id,
      });
    }
  }

  /** Finishes a member's harvest once it ended (stop request, max_records, budget, lost lock), and says whether it comes back. */
  private retire(slot: Slot, harvest: MemberHarvest): void {
    const { stop } = this.context;
    const reason = harvest.context.stop.reason;
    const byGroup = slot.groupStop === true || stop.stopping;
    holdAfter(slot, reason?.cause, slot.member.hash, byGroup);
    if (slot.harvest === harvest) slot.harvest = undefined;
    slot.busy = this.finishMember(harvest);
    // A group of one ends with its member's harvest, for the same reason; a lost lock is its failure.
    if (this.context.alone === true && !byGroup && reason) stop.stop(reason.cause === 'lock_lost' ? 'failed' : reason.cause, reason.detail);
    if (!stop.stopping) this.requestSync();
  }

  /** Finishes a member's harvest; a failure is logged by its first finisher only, and never ends the group. */
  private finishMember(harvest: MemberHarvest): Promise<void> {
    // MemberHarvest.finish runs once, whoever asks; later askers get the same outcome.
    const first = !harvest.isFinalized;
    return harvest.finish().then(
      () => undefined,
      (error: unknown) => {
        if (first)
          this.context.log.error('finishing a member harvest failed', {
            collection: harvest.id,
            problem: error instanceof Error ? error.message : String(error),
          });
      },
    );
  }
}
