import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Deterministic pseudo-random numbers, so generated data is the same in every run: the simulator's own. */
import { seededRandom } from '../../simulator/x-api/seeded-random.js';

export { seededRandom };

/** A realistic user_timeline collection file: snowflake-sized quoted ids, screen names, notes. */
export function userTimelineYaml(id: string, userCount: number, random: () => number, serial = 0): string {
  const lines = [
    '# yaml-language-server: $schema=../schemas/collection.schema.json',
    `id: ${id}`,
    'type: user_timeline',
    `description: Generated collection ${id} for benchmarks`,
    'credentials: default',
    'state: active',
    'schedule: cron(0 6 * * ? *)',
    'users:',
  ];
  for (let i = 0; i < userCount; i++) {
    const userId = String(1_000_000_000_000_000_000n + BigInt(Math.floor(random() * 1e15)) * 1000n + BigInt(i));
    lines.push(`  "${userId}":`, `    screen_name: u${serial}_${i}`);
    if (i % 10 === 0) lines.push(`    note: account number ${i} of ${id}`);
  }
  lines.push('delete_users_for: [suspended, not_found]', 'labels:', '  project: benchmark', '');
  return lines.join('\n');
}

/** Writes `count` collection files into `dir`/collections and returns that folder. */
export function writeUserTimelineCollections(dir: string, count: number, usersEach: number, seed = 1): string {
  const random = seededRandom(seed);
  const collections = join(dir, 'collections');
  mkdirSync(collections, { recursive: true });
  for (let i = 0; i < count; i++) {
    const id = `generated-${String(i).padStart(5, '0')}`;
    writeFileSync(join(collections, `${id}.yaml`), userTimelineYaml(id, usersEach, random, i));
  }
  return collections;
}
