import type { GroupMember } from './group-members.js';
import type { MemberHarvest } from './member-harvest.js';
import type { MemberHolds } from './member-holds.js';
import type { PendingMessages } from './pending-messages.js';

/** A member collection's place in the group: its harvest once open, what arrives for it meanwhile, and what holds it. */
export interface Slot extends MemberHolds {
  member: GroupMember;
  harvest: MemberHarvest | undefined;
  readonly pending: PendingMessages;
  /** The group itself is ending the harvest (an edit, a leave, its own stop): not a stop to hold. */
  groupStop?: boolean;
  busy?: Promise<void>;
}
