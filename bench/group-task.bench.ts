import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { COLLECTIONS_INDEX_KEY } from '../platform/archive/keys.js';
import { writeObject } from '../platform/archive/objects.js';
import { FakeXApi } from '../simulator/x-api/server.js';
import { localArchive, putCollection, SECRET_BEARER } from '../test/helpers/archive-fixtures.js';
import { harvestWithUsage, PRODUCTION } from './harvester-usage.js';

// npm run bench:group-task: the production task's load on the production task's size. One stream
// group of 20 filter collections (50 rules each) at a combined 50 posts/s for 60 s, real-shaped
// posts, production settings: its CPU (seconds, and as a share of one vCPU over the run) and peak
// RSS against the task definition's 0.25 vCPU and 0.5 GB (terraform/variables.tf), next to the
// same stream harvested by one filter collection alone (a group of one), in the same run.
const RATE = Number(process.env['BENCH_GROUP_RATE'] ?? 50);
const SECONDS = Number(process.env['BENCH_GROUP_SECONDS'] ?? 60);
const COLLECTIONS = 20;
const RULES = 50;
const TASK = { vcpu: 0.25, memoryMb: 512 } as const;

interface Layout {
  readonly label: string;
  readonly ids: readonly string[];
}

interface Measured {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMb: number;
}

async function measure(layout: Layout): Promise<Measured> {
  const posts = RATE * SECONDS;
  const fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 5_000, tweetsPerUser: () => 0 },
    stream: { tweets: posts, perSecond: RATE, keepAliveMs: 1000 },
  }).start();
  const archive = await localArchive();
  try {
    const output = { tweets_per_file: 250_000, rotate_minutes: 30 };
    // The fake matches the app's rules in turn: each collection gets its share, and max_records ends it there.
    for (const id of layout.ids) {
      const rules = Array.from({ length: layout.ids.length === 1 ? 1 : RULES }, (_, r) => ({ value: `${id.replace(/-/g, '')}topic${r}` }));
      await putCollection(archive.store, { id, type: 'filter', rules, max_records: posts / layout.ids.length, output });
    }
    await writeObject(archive.store, COLLECTIONS_INDEX_KEY, 'collections-index', {
      format: 'twarc-cloud/collections-index@1',
      updated_at: new Date().toISOString(),
      collections: Object.fromEntries(
        layout.ids.map((id) => [
          id,
          { type: 'filter', state: 'active', hash: createHash('sha256').update(id).digest('hex'), stream_group: 'default' },
        ]),
      ),
    });
    const started = Date.now();
    const env = { ...archive.env, ...PRODUCTION };
    const args = ['--archive', archive.location, '--api-base-url', fake.baseUrl];
    const run =
      layout.ids.length === 1
        ? await harvestWithUsage([layout.ids[0] ?? '', ...args], env)
        : await harvestWithUsage(['default', ...args], env, 'harvest-group');
    if (run.code !== 0) throw new Error(`the ${layout.label} harvest failed:\n${run.stderr}`);
    return { wall: (Date.now() - started) / 1000, cpu: run.usage.cpuSeconds, rssMb: run.usage.maxRssMb };
  } finally {
    await fake.stop();
    rmSync(archive.location, { recursive: true, force: true });
    await archive.close();
  }
}

const layouts: Layout[] = [
  { label: 'one filter collection (baseline)', ids: ['bench-alone'] },
  { label: `a group of ${COLLECTIONS} x ${RULES} rules`, ids: Array.from({ length: COLLECTIONS }, (_, c) => `bench-member-${c}`) },
];
console.log(
  `\nStream group on the production task: ${RATE} posts/s for ${SECONDS} s (${(RATE * SECONDS).toLocaleString('en')} real-shaped posts), production settings; task size ${TASK.vcpu} vCPU, ${TASK.memoryMb} MB`,
);
console.log(`| ${'layout'.padEnd(34)} | wall s | CPU s  | average vCPU | peak RSS MB | fits the task |`);
console.log(`|${'-'.repeat(36)}|--------|--------|--------------|-------------|---------------|`);
for (const layout of layouts) {
  const measured = await measure(layout);
  const vcpu = measured.cpu / measured.wall;
  const fits = vcpu <= TASK.vcpu && measured.rssMb <= TASK.memoryMb;
  console.log(
    `| ${layout.label.padEnd(34)} | ${measured.wall.toFixed(1).padStart(6)} | ${measured.cpu.toFixed(2).padStart(6)} | ${vcpu.toFixed(3).padStart(12)} | ${measured.rssMb.toFixed(0).padStart(11)} | ${(fits ? 'yes' : 'NO').padEnd(13)} |`,
  );
}
