/*
 * What every kind's spec through the CLI shares: a project of its own (git, the local archive,
 * the fake X API's credentials), and the after-harvest checks every kind must pass: `export` has
 * a row of each stored post, `report` renders, and twarc2's own tools read each file whole.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import type { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER, storedTweets } from './archive-fixtures.js';
import { readWithTwarcTools } from './python-tools.js';
import { fakeApiEnv, runCliAsync, type CliResult } from './run-cli.js';
import { tempProject } from './temp-project.js';

export interface KindProject {
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly store: LocalArchiveStore;
  cli(...args: string[]): Promise<CliResult>;
}

export function kindProject(fake: FakeXApi, files: Record<string, string> = {}): KindProject {
  const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', ...files });
  execFileSync('git', ['-C', root, 'init', '-q']);
  const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
  return {
    root,
    env,
    store: new LocalArchiveStore(join(root, 'archive')),
    cli: (...args) => runCliAsync(args, { cwd: root, env }),
  };
}

export const sortedIds = (ids: Iterable<string>): string[] => [...ids].sort();

/** `export` has a row of each post the collection stored, `report` renders it, and twarc2's tools read each of its files whole. */
export async function assertReadAfterHarvest(project: KindProject, id: string): Promise<void> {
  const stored = await storedTweets(project.store, id);
  assert.ok(stored.length > 0, `${id} stored posts`);
  assert.equal((await project.cli('export', id, '--format', 'jsonl', '--out', `${id}.jsonl`)).status, 0);
  const rows = readFileSync(join(project.root, `${id}.jsonl`), 'utf8')
    .trim()
    .split('\n');
  assert.deepEqual(sortedIds(rows.map((row) => (JSON.parse(row) as { id: string }).id)), sortedIds(stored.map((t) => t.id)));
  const report = await project.cli('report', id, '--out', `${id}.html`);
  assert.equal(report.status, 0, report.stderr);
  assert.match(readFileSync(join(project.root, `${id}.html`), 'utf8'), new RegExp(stored.length.toLocaleString('en')));
  const files = new Map<string, number>();
  for (const tweet of stored) files.set(tweet.file, (files.get(tweet.file) ?? 0) + 1);
  for (const [key, count] of files) {
    const text = gunzipSync((await project.store.get(key))?.body ?? Buffer.alloc(0)).toString('utf8');
    const { flattened, csvRows } = await readWithTwarcTools(text, key);
    assert.equal(flattened.length, count, `twarc2 flatten of ${key}`);
    assert.equal(csvRows, count, `twarc-csv rows of ${key}`);
  }
}
