import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { ECSClient } from '@aws-sdk/client-ecs';
import { DEPLOYMENT_KEY } from '../platform/archive/keys.js';
import { LocalArchiveStore } from '../platform/archive/local-store.js';
import { writeObject } from '../platform/archive/objects.js';
import { createS3Client, S3ArchiveStore } from '../platform/archive/s3-store.js';
import { forEachConcurrently } from '../platform/async.js';
import { APPLY_CONCURRENCY } from '../reconciler/apply/apply.js';
import { applyPlanned, countingStore, planLocally, searchCollectionsProject } from '../test/helpers/apply-fixtures.js';
import { AwsFaultProxy } from '../test/helpers/aws-fault-proxy.js';
import { motoDefaultNetwork, motoHarvesterCluster, startMoto } from '../test/helpers/moto.js';
import { runCliAsync } from '../test/helpers/run-cli.js';

// npm run bench:apply: a first apply of N new scheduled search collections, N = 250 ... 8,000,
//  1. on the local target, in process: the apply's time next to a baseline in the same run (the
//     archive writes no apply can avoid: each collection.json and changeset, written directly), and
//     archive requests per collection;
//  2. on the AWS target against moto_server, as the CLI runs it (`apply --yes --no-initial-run`):
//     wall time and requests per collection by service, counted on the wire.
// Growth is linear when 8,000 take at most 4.5x the time of 2,000 (4x is proportional).
const SIZES = (process.env['BENCH_APPLY_SIZES'] ?? '250,1000,2000,8000').split(',').map(Number);
const AWS_SIZES = (process.env['BENCH_APPLY_AWS_SIZES'] ?? process.env['BENCH_APPLY_SIZES'] ?? '250,1000,2000,8000').split(',').map(Number);

async function localApply(count: number): Promise<{ planS: number; applyS: number; baselineS: number; perCollection: number }> {
  const root = searchCollectionsProject(count);
  const { store, requests } = countingStore(new LocalArchiveStore(join(root, 'archive')));
  const planned = performance.now();
  const result = await planLocally(root, store);
  const applying = performance.now();
  const before = requests.length;
  await applyPlanned(result);
  const applied = performance.now();
  const perCollection = (requests.length - before) / count;
  // The baseline: a collection.json and a changeset per collection, written straight to another
  // archive as many at once as apply does.
  const baselineStore = new LocalArchiveStore(join(root, 'baseline'));
  const body = `${JSON.stringify({ format: 'twarc-cloud/collection-config@1', id: 's0', type: 'search', query: 'climate 0' }, null, 2)}\n`;
  const baselineStart = performance.now();
  await forEachConcurrently(
    Array.from({ length: count }, (_, i) => i),
    APPLY_CONCURRENCY,
    async (i) => {
      await baselineStore.put(`collections/s${i}/collection.json`, body, { contentType: 'application/json', ifNoneMatch: '*' });
      await baselineStore.put(`collections/s${i}/changesets/x.json`, body, { contentType: 'application/json', ifNoneMatch: '*' });
    },
  );
  const baselineS = (performance.now() - baselineStart) / 1000;
  return { planS: (applying - planned) / 1000, applyS: (applied - applying) / 1000, baselineS, perCollection };
}

async function awsApply(
  count: number,
  moto: { endpoint: string },
  clusterArn: string,
): Promise<{ wallS: number; perService: Record<string, number> }> {
  const deployment = `b${count}`;
  const bucket = `${deployment}-archive`;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const s3 = createS3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const network = await motoDefaultNetwork(moto.endpoint);
  await writeObject(new S3ArchiveStore(s3, { bucket, prefix: '' }), DEPLOYMENT_KEY, 'deployment', {
    format: 'twarc-cloud/deployment@1',
    deployment,
    cluster: clusterArn,
    subnets: network.subnets,
    security_groups: network.securityGroups,
    task_definition: 'bench-harvester',
    container_name: 'harvester',
    events_role_arn: 'arn:aws:iam::123456789012:role/bench-events',
    log_group: `/twarc-cloud/${deployment}`,
    log_stream_prefix: 'harvest',
  });
  s3.destroy();
  const root = searchCollectionsProject(count, `deployment: ${deployment}\ntarget: aws\naws:\n  bucket: ${bucket}\n  region: us-east-1\n`);
  const proxy = new AwsFaultProxy(moto.endpoint);
  const endpoint = await proxy.start();
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    CI: '',
    GITHUB_ACTOR: '',
  };
  const started = performance.now();
  const result = await runCliAsync(['apply', '--yes', '--no-initial-run'], { cwd: root, env });
  const wallS = (performance.now() - started) / 1000;
  await proxy.stop();
  if (result.status !== 0) throw new Error(`apply of ${count} failed:\n${result.stderr.slice(-2000)}`);
  const perService: Record<string, number> = {};
  for (const exchange of proxy.exchanges) perService[exchange.service] = (perService[exchange.service] ?? 0) + 1 / count;
  return { wallS, perService };
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits).padStart(8);

async function main(): Promise<void> {
  console.log('First apply of N new scheduled search collections, local target (in process)');
  console.log('| N     | plan, s  | apply, s | baseline writes, s | apply / baseline | requests per collection |');
  console.log('|-------|----------|----------|--------------------|------------------|-------------------------|');
  const local = new Map<number, number>();
  for (const n of SIZES) {
    const r = await localApply(n);
    local.set(n, r.applyS);
    console.log(
      `| ${String(n).padEnd(5)} | ${fmt(r.planS)} | ${fmt(r.applyS)} | ${fmt(r.baselineS).padStart(18)} | ${fmt(r.applyS / r.baselineS).padStart(16)} | ${fmt(r.perCollection).padStart(23)} |`,
    );
  }
  growth('local', local);

  const moto = await startMoto();
  try {
    const ecs = new ECSClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const clusterArn = await motoHarvesterCluster(ecs, 'bench', 'bench-harvester');
    ecs.destroy();
    console.log('\nFirst apply of N new scheduled search collections, AWS target on moto_server (CLI, --no-initial-run)');
    console.log('| N     | wall, s  | requests per collection, by service        |');
    console.log('|-------|----------|--------------------------------------------|');
    const aws = new Map<number, number>();
    for (const n of AWS_SIZES) {
      const r = await awsApply(n, moto, clusterArn);
      aws.set(n, r.wallS);
      const services = Object.entries(r.perService)
        .map(([service, per]) => `${service} ${per.toFixed(2)}`)
        .join(', ');
      console.log(`| ${String(n).padEnd(5)} | ${fmt(r.wallS)} | ${services.padEnd(42)} |`);
    }
    growth('AWS (moto)', aws);
  } finally {
    await moto.stop();
  }
}

function growth(label: string, times: ReadonlyMap<number, number>): void {
  const at2000 = times.get(2000);
  const at8000 = times.get(8000);
  if (at2000 !== undefined && at8000 !== undefined)
    console.log(`${label}: 8,000 took ${(at8000 / at2000).toFixed(2)}x the time of 2,000 (linear: 4x; target <= 4.5x)`);
}

await main();
