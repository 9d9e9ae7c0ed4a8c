/*
 * The facts the IAM check needs about resources the calls named by short name (task definitions by
 * family, the roles a task definition runs with), read back from moto after the calls were made.
 */

import { DescribeTaskDefinitionCommand, ListTaskDefinitionsCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { World } from './wire-calls.js';

export async function motoWorld(ecs: ECSClient, region: string, account: string): Promise<World> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListTaskDefinitionsCommand({ ...(nextToken !== undefined ? { nextToken } : {}) }));
    arns.push(...(page.taskDefinitionArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  const roles = new Map<string, string[]>();
  for (const arn of arns) {
    const definition = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition;
    roles.set(
      arn,
      [definition?.taskRoleArn ?? '', definition?.executionRoleArn ?? ''].filter((role) => role !== ''),
    );
  }
  const prefix = `arn:aws:ecs:${region}:${account}:task-definition/`;
  const revision = (arn: string): number => Number(arn.slice(arn.lastIndexOf(':') + 1));
  const taskDefinitionArn = (reference: string): string => {
    if (reference.startsWith('arn:')) return reference;
    if (reference.includes(':')) return `${prefix}${reference}`;
    const latest = arns.filter((arn) => arn.startsWith(`${prefix}${reference}:`)).sort((a, b) => revision(b) - revision(a))[0];
    if (latest === undefined) throw new Error(`moto has no task definition of the family ${reference}`);
    return latest;
  };
  return {
    partition: 'aws',
    region,
    account,
    taskDefinitionArn,
    taskDefinitionRoles: (arn) => roles.get(taskDefinitionArn(arn)) ?? [],
  };
}
