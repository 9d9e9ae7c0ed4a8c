/*
 * A FIFO as an output path (which only a process can make here): export refuses it instead of
 * writing into whatever reads it, and returns without waiting for a reader.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { putCollection } from '../helpers/archive-fixtures.js';
import { assertNoCrash, runInProcess } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { writeTweetArchive } from '../helpers/tweet-archive.js';

describe('an output path that is a FIFO', () => {
  it('is refused by export and report, with a message, and stays a FIFO', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
    const store = new LocalArchiveStore(join(root, 'archive'));
    await putCollection(store, { id: 's1', type: 'search', query: 'climate', archive: false });
    await writeTweetArchive(store, 's1', { tweets: 100, harvests: 1 });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    for (const args of [
      ['export', 's1', '--format', 'jsonl', '--out', 'pipe', '--force'],
      ['report', 's1', '--out', 'pipe', '--force'],
    ]) {
      const result = await runInProcess(args, { cwd: root });
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assertNoCrash(result);
      assert.match(result.stderr, /pipe: it is a FIFO, not a file/);
    }
    assert.ok(lstatSync(join(root, 'pipe')).isFIFO());
  });
});
