/*
 * A tweet file damaged in storage (cut short, or not gzip at all) is named, with what is wrong,
 * and the rest of the collection is exported and reported; --strict fails instead, writing
 * nothing. Never an internal error.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { putCollection } from '../helpers/archive-fixtures.js';
import { assertNoCrash, runInProcess } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { writeTweetArchive } from '../helpers/tweet-archive.js';

async function damagedProject(damage: (bytes: Buffer) => Buffer): Promise<{ root: string; key: string }> {
  const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
  const store = new LocalArchiveStore(join(root, 'archive'));
  await putCollection(store, { id: 's1', type: 'search', query: 'climate', archive: false });
  const written = await writeTweetArchive(store, 's1', { tweets: 2000, harvests: 4 });
  const key = written.files[1] ?? '';
  const path = store.fileOf(key);
  writeFileSync(path, damage(readFileSync(path)));
  return { root, key };
}

const DAMAGES = {
  'cut short': (bytes: Buffer) => bytes.subarray(0, Math.floor(bytes.length / 2)),
  'not gzip': () => Buffer.from('these bytes were never gzip\n'),
} as const;

describe('a damaged tweet file', () => {
  for (const [name, damage] of Object.entries(DAMAGES)) {
    it(`${name}: export and report name it and go on; --strict fails and writes nothing`, async () => {
      const { root, key } = await damagedProject(damage);
      const problem = name === 'cut short' ? /cut short \(unexpected end of file\)/ : /not readable gzip/;
      for (const command of [
        ['export', 's1', '--format', 'csv', '--out', 'out.csv'],
        ['export', 's1', '--format', 'parquet', '--out', 'out.parquet'],
        ['report', 's1', '--out', 'out.html'],
      ]) {
        const result = await runInProcess(command, { cwd: root });
        assertNoCrash(result);
        assert.equal(result.status, 0, `${command.join(' ')}: ${result.stderr}`);
        assert.ok(result.stderr.includes(key), `${command.join(' ')} names the file: ${result.stderr}`);
        assert.match(result.stderr, problem);
        const strict = await runInProcess([...command.slice(0, -1), 'strict-output', '--strict'], { cwd: root });
        assertNoCrash(strict);
        assert.equal(strict.status, 1, `${command.join(' ')} --strict: ${strict.stdout}`);
        assert.match(strict.stderr, new RegExp(`${key.replace(/[./]/g, '\\$&')} is damaged`));
        assert.ok(!existsSync(join(root, 'strict-output')), 'nothing written with --strict');
      }
      const rows = readFileSync(join(root, 'out.csv'), 'utf8').trim().split('\n').length - 1;
      assert.ok(rows > 1000, `the other files are exported (${rows} rows)`);
    });
  }
});
