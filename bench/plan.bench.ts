import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { COLLECTIONS_INDEX_KEY, DEPLOYMENT_KEY, collectionKeys } from '../platform/archive/keys.js';
import { asCollectionConfig, writeObject } from '../platform/archive/objects.js';
import { createS3Client, S3ArchiveStore } from '../platform/archive/s3-store.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { ownershipTags, scheduleRuleName } from '../targets/aws/naming/aws-names.js';
import { loadDesiredState } from '../reconciler/desired/load-collections.js';
import { desiredCollections } from '../reconciler/plan/render-config.js';
import { loadSettings } from '../reconciler/settings/settings.js';
import { EventBridgeSchedules } from '../targets/aws/eventbridge-schedules.js';
import { seededRandom, userTimelineYaml } from '../test/generators/collection-files.js';
import { motoDefaultNetwork, startMoto } from '../test/helpers/moto.js';
import { tempProject } from '../test/helpers/temp-project.js';
import { EVERY_TARGETS_NAME_RULES } from '../targets/targets.js';

// npm run bench:plan: `twarc-cloud plan --target aws` for 2,000 unchanged collections against
// moto_server, counting the HTTP requests on the wire (a proxy in front of moto), next to a naive
// baseline in the same run that GETs every collection.json. Target: at most 20 requests, under 5 s.
const COLLECTIONS = Number(process.env['BENCH_COLLECTIONS'] ?? 2000);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

const moto = await startMoto();
let requests = 0;
const proxy = createServer((incoming, outgoing) => {
  requests += 1;
  const target = new URL(moto.endpoint);
  const forward = httpRequest(
    { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  incoming.pipe(forward);
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

// A deployment whose 2,000 collections were all applied: configs, index, and their rules.
const bucket = 'bench-archive';
const s3 = createS3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
await s3.send(new CreateBucketCommand({ Bucket: bucket }));
const store = new S3ArchiveStore(s3, { bucket, prefix: '' });
const ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
const cluster = (await ecs.send(new CreateClusterCommand({ clusterName: 'bench' }))).cluster?.clusterArn ?? '';
const network = await motoDefaultNetwork(moto.endpoint);
await writeObject(store, DEPLOYMENT_KEY, 'deployment', {
  format: 'twarc-cloud/deployment@1',
  deployment: 'bench',
  cluster,
  subnets: network.subnets,
  security_groups: network.securityGroups,
  task_definition: 'bench-harvester',
  container_name: 'harvester',
  events_role_arn: 'arn:aws:iam::123456789012:role/bench-events',
});
const root = tempProject({ 'twarc-cloud.yaml': `deployment: bench\ntarget: aws\naws:\n  bucket: ${bucket}\n  region: us-east-1\n` });
mkdirSync(join(root, 'collections'));
const random = seededRandom(7);
for (let i = 0; i < COLLECTIONS; i += 1) {
  const id = `c${String(i).padStart(4, '0')}`;
  writeFileSync(join(root, 'collections', `${id}.yaml`), userTimelineYaml(id, 20, random, i));
}
const { settings } = loadSettings(root, root);
const desired = desiredCollections((await loadDesiredState(settings, EVERY_TARGETS_NAME_RULES, [], root)).collections);
const now = new Date().toISOString();
const entries: Record<string, { type: 'user_timeline'; state: 'active'; hash: string; schedule: string }> = {};
const schedules = new EventBridgeSchedules(new EventBridgeClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials }));
for (let start = 0; start < desired.length; start += 50) {
  await Promise.all(
    desired.slice(start, start + 50).map(async (d) => {
      const config = asCollectionConfig({
        format: 'twarc-cloud/collection-config@1',
        ...d.body,
        state: 'active',
        rendered_at: now,
        changeset: 'bench',
      });
      await writeObject(store, collectionKeys(d.id).config, 'collection-config', config);
      await schedules.putRule(
        { name: scheduleRuleName('bench', d.id), expression: d.body.schedule ?? 'rate(1 day)', enabled: true, description: 'bench' },
        ownershipTags('bench', d.id),
      );
      entries[d.id] = { type: 'user_timeline', state: 'active', hash: d.hash, schedule: d.body.schedule ?? '' };
    }),
  );
}
await writeObject(store, COLLECTIONS_INDEX_KEY, 'collections-index', {
  format: 'twarc-cloud/collections-index@1',
  updated_at: now,
  collections: entries,
});

async function timedPlan(args: string[]): Promise<{ requests: number; seconds: number; code: number | null }> {
  requests = 0;
  const started = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'plan', ...args], {
      cwd: root,
      env: {
        PATH: process.env['PATH'],
        AWS_ENDPOINT_URL: proxyUrl,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('close', resolve);
  });
  return { requests, seconds: Number(process.hrtime.bigint() - started) / 1e9, code };
}

const plain = await timedPlan([]);
const refreshed = await timedPlan(['--refresh']);

// Baseline: read every collection.json through the same proxy, 16 at a time.
requests = 0;
const naiveClient = createS3Client({ endpoint: proxyUrl, region: 'us-east-1', forcePathStyle: true, credentials });
const naiveStart = process.hrtime.bigint();
const ids = desired.map((d) => d.id);
for (let start = 0; start < ids.length; start += 16) {
  await Promise.all(
    ids
      .slice(start, start + 16)
      .map(async (id) =>
        (await naiveClient.send(new GetObjectCommand({ Bucket: bucket, Key: collectionKeys(id).config }))).Body?.transformToString(),
      ),
  );
}
const naive = { requests, seconds: Number(process.hrtime.bigint() - naiveStart) / 1e9 };

console.log(
  `\nPlan of ${COLLECTIONS.toLocaleString('en')} unchanged collections on the AWS target (moto_server), requests counted on the wire`,
);
console.log('| run                                        | exit | requests | wall s | target          |');
console.log('|--------------------------------------------|------|----------|--------|-----------------|');
console.log(
  `| twarc-cloud plan (index)                   | ${String(plain.code).padStart(4)} | ${String(plain.requests).padStart(8)} | ${plain.seconds.toFixed(2).padStart(6)} | <= 20, < 5 s    |`,
);
console.log(
  `| twarc-cloud plan --refresh (lists rules)   | ${String(refreshed.code).padStart(4)} | ${String(refreshed.requests).padStart(8)} | ${refreshed.seconds.toFixed(2).padStart(6)} | (drift check)   |`,
);
console.log(
  `| baseline: GET every collection.json        |    - | ${String(naive.requests).padStart(8)} | ${naive.seconds.toFixed(2).padStart(6)} |                 |`,
);
naiveClient.destroy();
s3.destroy();
ecs.destroy();
proxy.close();
await moto.stop();
