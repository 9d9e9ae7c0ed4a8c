import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DEPLOYMENT_KEY } from '../../platform/archive/keys.js';
import { writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { quietAwsSdk } from '../../platform/aws/quiet-sdk.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';

/** A moto_server on a free loopback port, for tests that talk real HTTP to AWS APIs. */
export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const INSTALL =
  'npm test (which runs node dist/scripts/test-tools.js), or: python3 -m venv .venv && .venv/bin/pip install -r test/requirements.txt';

export function findMotoServer(): string | undefined {
  const candidates = [process.env['MOTO_SERVER'], join(PACKAGE_ROOT, '.venv', 'bin', 'moto_server')];
  const found = candidates.find((path) => path !== undefined && existsSync(path));
  if (found) return found;
  const onPath = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).stdout.trim();
  return onPath === '' ? undefined : onPath;
}

export async function startMoto(): Promise<Moto> {
  quietAwsSdk();
  const bin = findMotoServer();
  if (!bin)
    throw new Error(
      `moto_server is not installed, and the S3 tests need it. Install it with:\n  ${INSTALL}\n(or set MOTO_SERVER to its path)`,
    );
  const port = await freePort();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}:\n${stderr}`);
    if (
      await fetch(`${endpoint}/moto-api/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * The default VPC's subnets and security group that moto creates, read with EC2's query API
 * (moto checks that ECS services name subnets that exist; no EC2 SDK is needed for two reads).
 */
export async function motoDefaultNetwork(endpoint: string): Promise<{ subnets: string[]; securityGroups: string[] }> {
  const query = async (action: string, tag: string): Promise<string[]> => {
    const text = await motoQuery(endpoint, 'ec2', { Action: action, Version: '2016-11-15' });
    return [...text.matchAll(new RegExp(`<${tag}>([^<]+)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
  };
  return {
    subnets: (await query('DescribeSubnets', 'subnetId')).slice(0, 1),
    securityGroups: (await query('DescribeSecurityGroups', 'groupId')).slice(0, 1),
  };
}

/**
 * One call of an AWS query API (EC2, SNS, SQS) on moto, for the few reads and set-ups the tests make
 * where the project has no SDK client; moto routes it by the credential scope's service name.
 */
export async function motoQuery(endpoint: string, service: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto ${service} ${params['Action'] ?? ''} answered ${response.status}: ${text}`);
  return text;
}

/**
 * What terraform would have made on ECS, in moto: a cluster and the harvester's base task
 * definition (container "harvester"). Returns the cluster's ARN.
 */
export async function motoHarvesterCluster(ecs: ECSClient, cluster: string, family: string): Promise<string> {
  const arn = (await ecs.send(new CreateClusterCommand({ clusterName: cluster }))).cluster?.clusterArn ?? '';
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      // Container-level memory: moto's RunTask adds it up and fails without it (ECS itself does not need it on Fargate).
      containerDefinitions: [{ name: 'harvester', image: 'ghcr.io/example/twarc-cloud:1', essential: true, memory: 512 }],
    }),
  );
  return arn;
}

/**
 * The deployment document Terraform writes into the bucket, for a cluster and base task definition
 * made with motoHarvesterCluster, in moto's default network; `more` adds the optional fields.
 */
export async function putMotoDeployment(
  store: ArchiveStore,
  moto: Moto,
  deployment: { readonly name: string; readonly cluster: string; readonly taskDefinition: string },
  more: Partial<ArchiveObjects['deployment']> = {},
): Promise<ArchiveObjects['deployment']> {
  const network = await motoDefaultNetwork(moto.endpoint);
  const document: ArchiveObjects['deployment'] = {
    format: 'twarc-cloud/deployment@1',
    deployment: deployment.name,
    cluster: deployment.cluster,
    subnets: network.subnets,
    security_groups: network.securityGroups,
    task_definition: deployment.taskDefinition,
    container_name: 'harvester',
    events_role_arn: `arn:aws:iam::123456789012:role/${deployment.name}-events`,
    ...more,
  };
  await writeObject(store, DEPLOYMENT_KEY, 'deployment', document);
  return document;
}
