import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
  TagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { TARGET_ID, type RunTaskTarget, type ScheduleRule, type SchedulesPort } from './schedules-port.js';

/** The schedules port on EventBridge (default event bus). */
export class EventBridgeSchedules implements SchedulesPort {
  constructor(private readonly client: EventBridgeClient) {}

  async putRule(rule: ScheduleRule, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.client.send(
      new PutRuleCommand({
        Name: rule.name,
        ScheduleExpression: rule.expression,
        State: rule.enabled ? 'ENABLED' : 'DISABLED',
        Description: rule.description,
        // Applied when the rule is created; an update leaves the rule's tags as they are.
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
  }

  async tagRule(ruleName: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const rule = await this.client.send(new DescribeRuleCommand({ Name: ruleName }));
    await this.client.send(
      new TagResourceCommand({ ResourceARN: rule.Arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
    );
  }

  async putTarget(ruleName: string, target: RunTaskTarget): Promise<void> {
    const result = await this.client.send(
      new PutTargetsCommand({
        Rule: ruleName,
        Targets: [
          {
            Id: TARGET_ID,
            Arn: target.clusterArn,
            RoleArn: target.roleArn,
            EcsParameters: {
              TaskDefinitionArn: target.taskDefinitionArn,
              TaskCount: 1,
              LaunchType: 'FARGATE',
              NetworkConfiguration: {
                awsvpcConfiguration: {
                  Subnets: [...target.subnets],
                  SecurityGroups: [...target.securityGroups],
                  AssignPublicIp: target.assignPublicIp ? 'ENABLED' : 'DISABLED',
                },
              },
            },
            Input: JSON.stringify({ containerOverrides: [{ name: target.containerName, command: [...target.command] }] }),
            ...(target.deadLetterQueueArn !== undefined ? { DeadLetterConfig: { Arn: target.deadLetterQueueArn } } : {}),
          },
        ],
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0)
      throw new Error(`EventBridge refused the target of ${ruleName}: ${result.FailedEntries?.[0]?.ErrorMessage ?? 'no reason given'}`);
  }

  async listRules(prefix: string): Promise<ScheduleRule[]> {
    const rules: ScheduleRule[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListRulesCommand({ NamePrefix: prefix, Limit: 100, ...(token !== undefined ? { NextToken: token } : {}) }),
      );
      for (const rule of page.Rules ?? []) {
        if (rule.Name === undefined || rule.ScheduleExpression === undefined) continue;
        rules.push({
          name: rule.Name,
          expression: rule.ScheduleExpression,
          enabled: rule.State === 'ENABLED',
          description: rule.Description ?? '',
        });
      }
      token = page.NextToken;
    } while (token !== undefined);
    return rules;
  }

  async tagsOf(ruleName: string): Promise<Record<string, string>> {
    const rule = await this.client.send(new DescribeRuleCommand({ Name: ruleName }));
    const tags = await this.client.send(new ListTagsForResourceCommand({ ResourceARN: rule.Arn }));
    return Object.fromEntries((tags.Tags ?? []).flatMap((t) => (t.Key !== undefined && t.Value !== undefined ? [[t.Key, t.Value]] : [])));
  }

  async deleteRule(ruleName: string): Promise<void> {
    const targets = await this.client.send(new ListTargetsByRuleCommand({ Rule: ruleName })).catch((error: unknown) => {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    });
    if (!targets) return;
    const ids = (targets.Targets ?? []).flatMap((t) => (t.Id !== undefined ? [t.Id] : []));
    if (ids.length > 0) await this.client.send(new RemoveTargetsCommand({ Rule: ruleName, Ids: ids }));
    await this.client.send(new DeleteRuleCommand({ Name: ruleName }));
  }
}
