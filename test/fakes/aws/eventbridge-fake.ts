import { parseSchedule } from '../../../reconciler/schedule/schedule-expression.js';
import { TARGET_ID, type RunTaskTarget, type ScheduleRule, type SchedulesPort } from '../../../targets/aws/schedules-port.js';

/** What EventBridge answers with when it refuses a request. */
export class EventBridgeRefusal extends Error {
  constructor(
    readonly code: 'ValidationException' | 'ResourceNotFoundException',
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/**
 * EventBridge scheduled rules in memory, keeping the rules moto does not: rule names of at most 64
 * characters of `.-_A-Za-z0-9`, schedule expressions EventBridge would accept (moto accepts
 * `rate(1 minutes)`), and no DeleteRule while the rule has targets. Shares the schedules contract
 * suite with the SDK adapter on moto_server.
 */
export class FakeSchedules implements SchedulesPort {
  readonly rules = new Map<string, { rule: ScheduleRule; tags: Record<string, string>; targets: Map<string, RunTaskTarget> }>();
  /** Requests made, by operation, to compare with what the SDK adapter would send. */
  readonly calls: string[] = [];

  putRule(rule: ScheduleRule, tags: Readonly<Record<string, string>>): Promise<void> {
    this.calls.push('PutRule');
    if (rule.name.length > 64 || !/^[.\-_A-Za-z0-9]+$/.test(rule.name))
      return this.refuse('ValidationException', `rule name ${rule.name} does not satisfy the constraint`);
    if (!parseSchedule(rule.expression).ok)
      return this.refuse('ValidationException', `Parameter ScheduleExpression is not valid: ${rule.expression}`);
    const existing = this.rules.get(rule.name);
    // PutRule's tags apply when it creates the rule; an update leaves them as they are.
    if (existing) existing.rule = { ...rule };
    else this.rules.set(rule.name, { rule: { ...rule }, tags: { ...tags }, targets: new Map() });
    return Promise.resolve();
  }

  tagRule(ruleName: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.calls.push('DescribeRule', 'TagResource');
    const entry = this.rules.get(ruleName);
    if (!entry) return this.refuse('ResourceNotFoundException', `Rule ${ruleName} does not exist.`);
    Object.assign(entry.tags, tags);
    return Promise.resolve();
  }

  putTarget(ruleName: string, target: RunTaskTarget): Promise<void> {
    this.calls.push('PutTargets');
    const entry = this.rules.get(ruleName);
    if (!entry) return this.refuse('ResourceNotFoundException', `Rule ${ruleName} does not exist.`);
    entry.targets.set(TARGET_ID, { ...target, command: [...target.command] });
    return Promise.resolve();
  }

  listRules(prefix: string): Promise<ScheduleRule[]> {
    const names = [...this.rules.keys()].filter((n) => n.startsWith(prefix)).sort();
    for (let i = 0; i < Math.max(1, Math.ceil(names.length / 100)); i += 1) this.calls.push('ListRules');
    return Promise.resolve(names.map((n) => ({ ...(this.rules.get(n)?.rule as ScheduleRule) })));
  }

  tagsOf(ruleName: string): Promise<Record<string, string>> {
    this.calls.push('ListTagsForResource');
    const entry = this.rules.get(ruleName);
    return entry ? Promise.resolve({ ...entry.tags }) : this.refuse('ResourceNotFoundException', `Rule ${ruleName} does not exist.`);
  }

  async deleteRule(ruleName: string): Promise<void> {
    const entry = this.rules.get(ruleName);
    this.calls.push('ListTargetsByRule');
    if (!entry) return;
    if (entry.targets.size > 0) {
      this.calls.push('RemoveTargets');
      entry.targets.clear();
    }
    await this.deleteRuleOnly(ruleName);
  }

  /** DeleteRule alone, as EventBridge has it: refused while targets remain. */
  deleteRuleOnly(ruleName: string): Promise<void> {
    this.calls.push('DeleteRule');
    const entry = this.rules.get(ruleName);
    if (entry && entry.targets.size > 0) return this.refuse('ValidationException', "Rule can't be deleted since it has targets.");
    this.rules.delete(ruleName);
    return Promise.resolve();
  }

  private refuse(code: EventBridgeRefusal['code'], message: string): Promise<never> {
    return Promise.reject(new EventBridgeRefusal(code, message));
  }
}
