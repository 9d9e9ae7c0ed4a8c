/*
 * The Parquet file of an export, as DuckDB writes it from the workers' parts: with its fast budget
 * when that is room enough, and again with the next when DuckDB runs out of memory, never leaving
 * a half-written file behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DUCKDB_BUDGETS, parquetFrom } from '../../curation/export/parquet-file.js';
import { formatRow } from '../../curation/export/row-format.js';
import { tweetsOfLine, type TweetInPage } from '../../curation/export/tweet-columns.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { pagesOf } from '../../platform/archive/harvest-files.js';
import { writeTweetArchive } from '../helpers/tweet-archive.js';

/** Rows of long text: a row group of them does not fit in a few megabytes. */
function partOf(dir: string, rows: number, textLength = 2000): string {
  const path = join(dir, 'part-0');
  let text = '';
  for (let i = 0; i < rows; i += 1) {
    const t = { id: String(1_000_000 + i), text: `${'x'.repeat(textLength)} ${i}\nline two`, entities: { hashtags: [{ tag: `t${i}` }] } };
    const row: TweetInPage = {
      t,
      a: undefined,
      rp: undefined,
      rt: undefined,
      qt: undefined,
      rpu: undefined,
      rtu: undefined,
      qtu: undefined,
      place: undefined,
      poll: undefined,
      media: undefined,
      twarc: undefined,
      rules: undefined,
    };
    text += formatRow(row, 'parquet-input');
  }
  writeFileSync(path, text);
  return path;
}

async function rowsOf(file: string): Promise<{ count: number; last: string }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const [row] = (await db.runAndReadAll(`SELECT count(*), max(id) FROM '${file}'`)).getRows();
  return { count: Number(row?.[0]), last: String(row?.[1]) };
}

describe('the Parquet file of an export', { timeout: 60_000 }, () => {
  it('is written with its first budget alone, rows of long text included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-file-'));
    const out = join(dir, 'rows.parquet');
    await parquetFrom([partOf(dir, 3000)], out, join(dir, 'work'), DUCKDB_BUDGETS.slice(0, 1));
    assert.deepEqual(await rowsOf(out), { count: 3000, last: '1002999' });
  });

  it('is written again with the next budget when DuckDB runs out of memory, and fails plainly when the last does too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-file-'));
    const part = partOf(dir, 20_000);
    const tooSmall = { threads: 2, memoryLimit: '4MB', rowGroupRows: 20_000, lineBytes: 1 << 20 };
    const out = join(dir, 'rows.parquet');
    await parquetFrom([part], out, join(dir, 'work'), [tooSmall, DUCKDB_BUDGETS[1] ?? tooSmall]);
    assert.deepEqual(await rowsOf(out), { count: 20_000, last: '1019999' });

    const never = join(dir, 'never.parquet');
    await assert.rejects(parquetFrom([part], never, join(dir, 'work-2'), [tooSmall]), /Out of Memory/);
    assert.ok(!readdirSync(dir).includes('never.parquet'), 'no half-written file is left');
  });

  it('holds real-shaped tweets from many tweet files, typed, in its first budget alone: no export pays for a second attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-file-'));
    const store = new LocalArchiveStore(join(dir, 'archive'));
    // The corpus's posts: media with variants, context annotations, polls, places, as X sends them.
    const written = await writeTweetArchive(store, 'real', { tweets: 2_000, harvests: 1, users: 1_000 });
    let rows = '';
    for (const key of written.files)
      for await (const line of pagesOf(store, key)) for (const row of tweetsOfLine(line)) rows += formatRow(row, 'parquet-input');
    // An export hands DuckDB one part a tweet file, each of some megabytes (a file of 10,000 tweets
    // is about 13): its CSV reader holds a buffer for several at once, which 80 MB did not fit.
    const parts = Array.from({ length: 6 }, (_, index) => join(dir, `part-${index}`));
    for (const part of parts) writeFileSync(part, rows.repeat(5));
    const out = join(dir, 'rows.parquet');
    const [first] = DUCKDB_BUDGETS;
    assert.ok(first);
    await parquetFrom(parts, out, join(dir, 'work'), [first]);
    assert.equal((await rowsOf(out)).count, 6 * 5 * 2_000);
  });

  it('writes a row longer than the first budgets read with the last one, whether DuckDB calls it a long line or an unterminated quote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parquet-file-'));
    // Far longer than a post's row can be (a 25,000-character post and its entities are some 200 KB).
    const part = partOf(dir, 3, 5_000_000);
    const out = join(dir, 'long.parquet');
    await parquetFrom([part], out, join(dir, 'work'));
    assert.equal((await rowsOf(out)).count, 3);
  });
});
