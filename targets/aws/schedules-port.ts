/*
 * Scheduled rules that run the harvester: EventBridge on AWS. The port is what the AWS target
 * needs; an SDK adapter (eventbridge-schedules.ts) and an in-memory fake that keeps EventBridge's
 * rules (test/fakes/) implement it, and one contract suite holds both to the same behaviour.
 */

export interface ScheduleRule {
  readonly name: string;
  readonly expression: string;
  readonly enabled: boolean;
  readonly description: string;
}

/** Runs the harvester container on Fargate for one collection. */
export interface RunTaskTarget {
  readonly clusterArn: string;
  readonly taskDefinitionArn: string;
  readonly roleArn: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly assignPublicIp: boolean;
  /** The container override: `twarc-cloud harvest <id>` for this collection. */
  readonly containerName: string;
  readonly command: readonly string[];
  /** Where EventBridge puts an invocation it could not make (an alarm watches it). */
  readonly deadLetterQueueArn?: string;
}

export interface SchedulesPort {
  /** Creates the rule with the given tags, or updates it in place (its tags stay as they are). */
  putRule(rule: ScheduleRule, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Sets these tags on an existing rule (others stay): how an adopted rule becomes this deployment's. */
  tagRule(ruleName: string, tags: Readonly<Record<string, string>>): Promise<void>;
  putTarget(ruleName: string, target: RunTaskTarget): Promise<void>;
  /** Rules whose names start with `prefix`, across pages. */
  listRules(prefix: string): Promise<ScheduleRule[]>;
  tagsOf(ruleName: string): Promise<Record<string, string>>;
  /** Removes the rule's targets, then the rule (EventBridge refuses to delete a rule with targets). */
  deleteRule(ruleName: string): Promise<void>;
}

/** The id under which the one harvester target of a rule is registered. */
export const TARGET_ID = 'harvest';
