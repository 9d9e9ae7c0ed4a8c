import type { CollectionType, LookedUp } from '../desired/collection.js';
import type { ConfigBody } from './config-body.js';
import type { FieldChange } from './field-changes.js';
import type { KindInput } from './plan-kind.js';

/** What the target found for one collection: its collection.json (by hash) and its runtime resources. */
export interface LiveCollection {
  readonly id: string;
  readonly type: CollectionType;
  readonly state: 'active' | 'suspended' | 'removed';
  readonly hash: string;
  /** The live config body, read only for collections whose hash differs from the desired one. */
  readonly body?: ConfigBody;
  readonly runtime: Runtime;
  /** A filter collection that has stored its max_records: its stream ends and stays ended. */
  readonly complete?: boolean;
}

/** The runtime resources of a collection, as they are or as they should be. */
export interface Runtime {
  /** A schedule that runs the harvester: EventBridge rule on AWS, the `up` scheduler locally. */
  readonly schedule?: {
    readonly expression: string;
    readonly enabled: boolean;
    /** The harvester release its target runs. */ readonly release?: string;
  };
  /**
   * Membership of a stream group: the one connection of a credentials profile that the target runs
   * for its filter collections (docs/architecture.md, "Stream groups").
   */
  readonly streamGroup?: {
    readonly group: string;
    /** The harvester release the group runs (AWS: the base task definition of its service). */ readonly release?: string;
  };
  /**
   * A schedule that checks the stored ids against X's compliance jobs (`twarc-cloud compliance <id>`):
   * a second EventBridge rule on AWS, the `up` scheduler locally. Always enabled: a suspended
   * collection's data still has to honour deletions.
   */
  readonly compliance?: {
    readonly expression: string;
    /** Found disabled (by hand, with refresh): it is put again, enabled. */ readonly disabled?: true;
    /** The harvester release its target runs (AWS: the base task definition). */ readonly release?: string;
  };
  /**
   * Whose the resources are when not this deployment's: untagged ones may be adopted by a collection
   * that wants them; foreign ones (tagged for another deployment or collection) are never touched.
   */
  readonly owner?: 'untagged' | 'foreign';
  /** Which foreign resource, and whose: the plan's conflict line. */
  readonly foreign?: string;
}

export interface LiveState {
  readonly collections: ReadonlyMap<string, LiveCollection>;
  /**
   * The stream groups running, by credentials profile, where the target lists them (AWS with
   * refresh: its group services); otherwise plan takes them from the collections' memberships.
   */
  readonly streamGroups?: ReadonlyMap<string, LiveStreamGroup>;
}

/** A stream group's own resource as found: the release it runs, and whether it ended itself. */
export interface LiveStreamGroup {
  readonly release?: string;
  /** It ended its own service once every member had stored its max_records; a new member starts it again. */
  readonly ended?: boolean;
}

/** A stream group's own resource (AWS: the ECS service of its connection); its members come and go by the index. */
export interface StreamGroupAction {
  readonly kind: 'start-stream-group' | 'stop-stream-group' | 'roll-stream-group';
  /** The credentials profile. */
  readonly group: string;
  /** Its active member collections after the apply. */
  readonly members: readonly string[];
}

/** The desired side, as plan sees it: rendered bodies and their hashes. */
export interface DesiredCollection {
  readonly id: string;
  readonly state: 'active' | 'suspended';
  readonly body: ConfigBody;
  readonly hash: string;
  /** What `users add` learned of a timeline's accounts, by user id: the cost estimate's, never the plan's. */
  readonly lookedUp?: Readonly<Record<string, LookedUp>>;
  /** What its harvests read besides the config (a lookup's ids), for apply to store first. */
  readonly inputs?: readonly KindInput[];
}

export type ActionKind = 'create' | 'update' | 'suspend' | 'resume' | 'remove' | 'adopt';

/** A step on the target's runtime resources; the archive writes (config, changeset, index) go with every action. */
export type RuntimeStep =
  | { readonly kind: 'put-schedule'; readonly expression: string; readonly enabled: boolean }
  | { readonly kind: 'delete-schedule' }
  | { readonly kind: 'put-compliance-schedule'; readonly expression: string }
  | { readonly kind: 'delete-compliance-schedule' }
  | { readonly kind: 'stop-harvests' }
  /** Start one harvest now: a new schedule's first, as the original did, where the target starts harvests itself. */
  | { readonly kind: 'start-harvest' }
  /** Where streams are grouped by credentials profile: the group adds the collection's rules and opens its harvest. */
  | { readonly kind: 'join-stream-group'; readonly group: string }
  /** The group finishes the collection's harvest and deletes its rules; the connection stays for the others. */
  | { readonly kind: 'leave-stream-group'; readonly group: string }
  /** The group changes the rules on its open connection (new ones first) and rolls the collection's harvest over. */
  | {
      readonly kind: 'change-stream-rules';
      readonly group: string;
      readonly added: readonly string[];
      readonly removed: readonly string[];
    };

export interface PlannedAction {
  readonly kind: ActionKind;
  readonly id: string;
  readonly type: CollectionType;
  readonly changes: readonly FieldChange[];
  readonly steps: readonly RuntimeStep[];
  /** The collection.json to write; absent for remove, which only marks the live one removed. */
  readonly desired?: DesiredCollection;
  /** True when the action ends harvesting of an active collection. */
  readonly stops: boolean;
  /** Set when the action ends a filter collection's stream because it has stored its max_records. */
  readonly complete?: true;
}

/** A collection that wants a resource another owner holds: nothing can be done for it until a person decides. */
export interface Conflict {
  readonly id: string;
  readonly detail: string;
}

/** Collections of one credentials profile that start together and need more than one rate-limit window between them. */
export interface ScheduleCollision {
  readonly profile: string;
  /** As X's rate-limit table names it. */
  readonly endpoint: string;
  /** When they start together: a UTC minute of a week, or "together" for rate schedules created in one apply. */
  readonly when: string;
  readonly ids: readonly string[];
  /** The fewest requests their harvests need on `endpoint`: a page per user, a page per search. */
  readonly requests: number;
  readonly limit: number;
}

export interface Plan {
  readonly actions: readonly PlannedAction[];
  /** Stream groups to start before the collections are applied, or to roll onto a new release; to stop after them. */
  readonly streamGroups?: readonly StreamGroupAction[];
  readonly counts: Readonly<Record<ActionKind, number>>;
  /** Collections blocked by resources that are not this deployment's; a plan with any is not applied. */
  readonly conflicts?: readonly Conflict[];
  /** Set when the plan stops more collections than the guard allows. */
  readonly refused?: { readonly stops: number; readonly limit: number };
  /** Scheduled collections of one profile that start together and queue on its rate limit (a warning; the plan still applies). */
  readonly collisions?: readonly ScheduleCollision[];
}

/** True when applying the plan would change anything. */
export function hasChanges(plan: Pick<Plan, 'actions' | 'streamGroups'>): boolean {
  return plan.actions.length > 0 || (plan.streamGroups?.length ?? 0) > 0;
}

/** How an action is marked in plans and apply output: + adds, - stops, ~ changes. */
export function actionSign(action: Pick<PlannedAction, 'kind'>): '+' | '-' | '~' {
  return action.kind === 'create' ? '+' : action.kind === 'remove' || action.kind === 'suspend' ? '-' : '~';
}

/** True when apply must not carry the plan out: the mass-stop guard refused it, or a collection is in conflict. */
export function isRefused(plan: Pick<Plan, 'refused' | 'conflicts'>): boolean {
  return plan.refused !== undefined || (plan.conflicts?.length ?? 0) > 0;
}
