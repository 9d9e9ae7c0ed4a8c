/*
 * export as a user runs it, on an archive of real-shaped pages written by harvests that overlap:
 * one row per tweet, its expansions resolved, in twarc-csv's columns and with twarc-csv's values
 * (checked against twarc-csv itself on the same lines), duplicates across harvests exported once,
 * --since keeping later harvests only, and Parquet and JSON lines holding the same rows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { COLUMNS_BEYOND_TWARC_CSV } from '../../curation/export/tweet-columns.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { TWARC_CSV_EXTRA_INPUT_COLUMNS } from '../../platform/x-api/fields.js';
import { putCollection } from '../helpers/archive-fixtures.js';
import { twarcCsvArguments, venvTool } from '../helpers/python-tools.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { writeTweetArchive, type WrittenArchive } from '../helpers/tweet-archive.js';

let root: string;
let written: WrittenArchive;
const cli = (...args: string[]) => runCliAsync(args, { cwd: root, env: { HOME: root } });

before(async () => {
  root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
  const store = new LocalArchiveStore(join(root, 'archive'));
  await putCollection(store, { id: 'climate', type: 'search', query: 'climate', archive: false, schedule: 'rate(1 day)' });
  // 4 harvests of 5 pages; each after the first repeats the page before it: 3 pages of duplicates.
  written = await writeTweetArchive(store, 'climate', { tweets: 2000, harvests: 4, tweetsPerPage: 100, pagesPerFile: 2, users: 300 });
  const lines = written.files.map((key) => gunzipSync(readFileSync(store.fileOf(key))).toString('utf8')).join('');
  writeFileSync(join(root, 'all.jsonl'), lines);
});

describe('export', { timeout: 180_000 }, () => {
  it('writes one CSV row per tweet, in twarc-csv columns with twarc-csv values, duplicates once', async () => {
    const result = await cli('export', 'climate', '--format', 'csv');
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(
        `climate: 2000 tweets from ${written.files.length} files \\(300 duplicates exported once\\) -> .*exports/climate/climate\\.csv`,
      ),
    );
    const ours = parseCsv(readFileSync(join(root, 'exports', 'climate', 'climate.csv'), 'utf8'));

    const twarc = spawnSync(venvTool('twarc2'), twarcCsvArguments('all.jsonl', 'twarc.csv'), {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HOME: root, BEARER_TOKEN: 'offline-use-only' },
      encoding: 'utf8',
    });
    assert.equal(twarc.status, 0, twarc.stderr);
    const theirs = parseCsv(readFileSync(join(root, 'twarc.csv'), 'utf8'));
    const header = (rows: string[][]): string[] => rows[0] ?? [];
    const extraInput: readonly string[] = TWARC_CSV_EXTRA_INPUT_COLUMNS;
    const shared = header(theirs).filter((name) => !extraInput.includes(name));
    assert.deepEqual(header(ours), [...shared, ...COLUMNS_BEYOND_TWARC_CSV], "twarc-csv's columns, in its order, then ours");
    assert.equal(ours.length - 1, 2000);
    assert.equal(theirs.length - 1, 2000, 'twarc-csv also counts each tweet once');

    const byId = (rows: string[][]): Map<string, Record<string, string>> => {
      const names = header(rows);
      return new Map(rows.slice(1).map((row) => [row[0] ?? '', Object.fromEntries(names.map((name, i) => [name, row[i] ?? '']))]));
    };
    const mine = byId(ours);
    const reference = byId(theirs);
    // Numbers are left out: pandas writes an integer column with a gap as floats ("12.0").
    const compared = shared.filter((name) => !/(_count|edits_remaining|duration_minutes)$/.test(name));
    // A long post's text and entities are the whole post's (note_tweet), where twarc-csv keeps its first 280 characters.
    const wholePost = /^(text|entities\.(hashtags|mentions|urls|cashtags))$/;
    let differences: string[] = [];
    for (const [id, row] of reference) {
      const other = mine.get(id);
      assert.ok(other, `tweet ${id} exported`);
      const long = other['long_post'] === 'True';
      for (const name of compared)
        if (other[name] !== row[name] && !(long && wholePost.test(name)))
          differences.push(`${id} ${name}: ours ${JSON.stringify(other[name])}, twarc-csv ${JSON.stringify(row[name])}`);
    }
    differences = differences.slice(0, 10);
    assert.deepEqual(differences, [], 'the same values as twarc-csv');
    const rows = [...mine.values()];
    const long = rows.filter((r) => r['long_post'] === 'True');
    assert.ok(long.length > 0, 'the archive holds long posts');
    for (const row of long) {
      const cut = reference.get(row['id'] ?? '')?.['text'] ?? '';
      const whole = String(row['text']);
      assert.ok(whole.startsWith(cut) && whole.length > cut.length, `${row['id']}: the whole text, where twarc-csv cut it`);
    }
    assert.ok(
      rows.filter((r) => r['long_post'] === 'False').every((r) => r['text'] === reference.get(r['id'] ?? '')?.['text']),
      "every other post's text as twarc-csv has it",
    );
    const resolved = (column: string): number => rows.filter((r) => r[column] !== '').length;
    assert.ok(resolved('in_reply_to_username') > 0 && resolved('quoted_username') > 0, 'the accounts replied to and quoted, from includes');
    assert.ok(resolved('geo.full_name') > 0 && resolved('attachments.media') > 0, 'places and media, from includes');
    assert.equal(resolved('author.username'), rows.length, 'every author');
  });

  it('writes the same rows to Parquet and to JSON lines', async () => {
    assert.equal((await cli('export', 'climate', '--format', 'parquet', '--out', 'rows.parquet')).status, 0);
    assert.equal((await cli('export', 'climate', '--format', 'jsonl', '--out', 'rows.jsonl')).status, 0);
    const jsonl = readFileSync(join(root, 'rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(jsonl.length, 2000);
    assert.equal(new Set(jsonl.map((r) => r['id'])).size, 2000);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const read = await db.runAndReadAll(
      `SELECT count(*), count(DISTINCT id), sum("public_metrics.like_count"), count(*) FILTER (WHERE text LIKE '%' || chr(10) || '%'),
        max(len(CAST("entities.hashtags" AS VARCHAR[]))) FROM '${join(root, 'rows.parquet')}'`,
    );
    const [count, distinct, likes, multiline, hashtags] = read.getRows()[0] ?? [];
    assert.equal(Number(count), 2000);
    assert.equal(Number(distinct), 2000);
    assert.equal(
      Number(likes),
      jsonl.reduce((sum, r) => sum + Number(r['public_metrics.like_count'] ?? 0), 0),
      'typed numbers, the same as in JSON lines',
    );
    assert.ok(Number(multiline) > 0, 'text keeps its newlines in Parquet');
    assert.ok(Number(hashtags) >= 1, 'lists stay lists');
  });

  it('types Parquet columns as a time series needs them: times with their zone, counts as integers, lists and structs', async () => {
    const file = join(root, 'rows.parquet');
    assert.equal((await cli('export', 'climate', '--format', 'parquet', '--out', 'rows.parquet', '--force')).status, 0);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const types = new Map(
      (await db.runAndReadAll(`DESCRIBE SELECT * FROM '${file}'`)).getRows().map(([name, type]) => [String(name), String(type)]),
    );
    for (const name of [
      'created_at',
      'author.created_at',
      'edit_controls.editable_until',
      'attachments.poll.end_datetime',
      '__twarc.retrieved_at',
    ])
      assert.equal(types.get(name), 'TIMESTAMP WITH TIME ZONE', name);
    for (const name of ['public_metrics.like_count', 'author.public_metrics.followers_count', 'attachments.poll.duration_minutes'])
      assert.equal(types.get(name), 'BIGINT', name);
    for (const name of ['entities.hashtags', 'entities.mentions', 'edit_history_tweet_ids', 'attachments.media_keys'])
      assert.equal(types.get(name), 'VARCHAR[]', name);
    assert.equal(types.get('geo.geo.bbox'), 'DOUBLE[]');
    assert.equal(types.get('matching_rules'), 'STRUCT(id VARCHAR, tag VARCHAR)[]');
    assert.match(
      types.get('attachments.media') ?? '',
      /^STRUCT\(media_key VARCHAR, "type" VARCHAR, .*width BIGINT, height BIGINT, .*variants STRUCT\(bit_rate BIGINT, content_type VARCHAR, url VARCHAR\)\[\]\)\[\]$/,
    );
    assert.match(
      types.get('context_annotations') ?? '',
      /^STRUCT\("domain" STRUCT\(id VARCHAR, "name" VARCHAR, description VARCHAR\), entity STRUCT/,
    );
    assert.equal(types.get('id'), 'VARCHAR', 'ids stay text, as twarc-csv has them');
    assert.deepEqual(
      [...types.entries()].filter(([, type]) => type === 'JSON'),
      [],
      'no column left as JSON text',
    );

    // The values are the JSON lines' own: a time series, media sizes and hashtags without a cast.
    const jsonl = readFileSync(join(root, 'rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const [row] = (
      await db.runAndReadAll(
        `SELECT min(created_at)::VARCHAR, count(DISTINCT date_trunc('hour', created_at)), sum(len("entities.hashtags")),
          sum((SELECT sum(m.width) FROM (SELECT unnest("attachments.media") AS m)))
        FROM '${file}'`,
      )
    ).getRows();
    const created = jsonl.map((r) => String(r['created_at'])).sort();
    assert.equal(
      new Date(String(row?.[0]).replace(' ', 'T').replace(/\+00$/, 'Z')).toISOString(),
      new Date(created[0] ?? '').toISOString(),
    );
    assert.equal(Number(row?.[1]), new Set(created.map((c) => c.slice(0, 13))).size);
    const listed = (r: Record<string, unknown>, column: string): unknown[] => (Array.isArray(r[column]) ? (r[column] as unknown[]) : []);
    assert.equal(
      Number(row?.[2]),
      jsonl.reduce((sum, r) => sum + listed(r, 'entities.hashtags').length, 0),
    );
    const widths = jsonl.flatMap((r) => listed(r, 'attachments.media').map((m) => (m as { width?: number }).width ?? 0));
    assert.ok(widths.length > 0, 'the archive holds media');
    assert.equal(
      Number(row?.[3]),
      widths.reduce((a, b) => a + b, 0),
    );
  });

  it("keeps text and JSON exact in Parquet, whatever characters they hold, its input dialect's own included", async () => {
    const oddRoot = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
    const oddStore = new LocalArchiveStore(join(oddRoot, 'archive'));
    await putCollection(oddStore, { id: 'odd', type: 'search', query: 'climate', archive: false });
    const archive = await writeTweetArchive(oddStore, 'odd', { tweets: 3, harvests: 1, tweetsPerPage: 3, pagesPerFile: 1, users: 3 });
    const key = archive.files[0] ?? '';
    const page = JSON.parse(gunzipSync((await oddStore.get(key))?.body ?? Buffer.alloc(0)).toString('utf8')) as {
      data: Array<Record<string, unknown>>;
    };
    // ASCII's record and unit separators (Parquet's input dialect), line breaks, quotes, commas, backslashes, emoji.
    const texts = ['a\x1eb\x1fc', '"quoted", and\r\nbroken\nlines \\ \u{1F30D}', '\x1e\x1e\x1f\x1e'];
    page.data.forEach((tweet, index) => {
      tweet['text'] = texts[index];
      tweet['entities'] = { hashtags: [{ start: 0, end: 3, tag: `t\x1e${index}\x1f"` }] };
    });
    await oddStore.put(key, gzipSync(`${JSON.stringify(page)}\n`));
    const run = (format: string, out: string) =>
      runCliAsync(['export', 'odd', '--format', format, '--out', out], { cwd: oddRoot, env: { HOME: oddRoot } });
    assert.equal((await run('parquet', 'odd.parquet')).status, 0);
    assert.equal((await run('jsonl', 'odd.jsonl')).status, 0);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    const parquet = (
      await db.runAndReadAll(`SELECT id, text, to_json("entities.hashtags")::VARCHAR FROM '${join(oddRoot, 'odd.parquet')}' ORDER BY id`)
    ).getRows();
    const jsonl = readFileSync(join(oddRoot, 'odd.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .map((row) => [row['id'], row['text'], JSON.stringify(row['entities.hashtags'])])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(
      parquet.map(([id, text, tags]) => [id, text, JSON.stringify(JSON.parse(String(tags)))]),
      jsonl,
    );
    assert.deepEqual(parquet.map((row) => row[1]).sort(), [...texts].sort());
  });

  it('passes over a line that is not JSON, says which file held it, and exports the rest', async () => {
    const damagedRoot = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
    const damagedStore = new LocalArchiveStore(join(damagedRoot, 'archive'));
    await putCollection(damagedStore, { id: 'cut', type: 'search', query: 'climate', archive: false });
    const archive = await writeTweetArchive(damagedStore, 'cut', {
      tweets: 200,
      harvests: 1,
      tweetsPerPage: 100,
      pagesPerFile: 2,
      users: 20,
    });
    const key = archive.files[0] ?? '';
    const lines = gunzipSync((await damagedStore.get(key))?.body ?? Buffer.alloc(0))
      .toString('utf8')
      .split('\n');
    // The second page cut short, as a write interrupted mid-line would leave it.
    lines[1] = (lines[1] ?? '').slice(0, 500);
    await damagedStore.put(key, gzipSync(lines.join('\n')));
    const result = await runCliAsync(['export', 'cut', '--format', 'csv', '--out', 'cut.csv'], {
      cwd: damagedRoot,
      env: { HOME: damagedRoot },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /cut: 100 tweets from 1 files/);
    assert.equal(result.stderr.trim(), `warning: 1 line that is not JSON passed over (the archive is unchanged): ${key} (1)`);
  });

  it('--since keeps later harvests only; bad input gets a message, not a stack trace', async () => {
    const later = await cli('export', 'climate', '--format', 'csv', '--since', '2026-11-01T02:00:00Z', '--out', 'later.csv');
    assert.equal(later.status, 0, later.stderr);
    assert.match(later.stdout, /climate: 1100 tweets from \d+ files \(100 duplicates exported once\)/);
    for (const args of [
      ['export', 'climate'],
      ['export', 'climate', '--format', 'xlsx'],
      ['export', 'nobody', '--format', 'csv'],
      ['export', 'climate', '--format', 'csv', '--since', 'yesterday'],
      ['export', 'climate', '--format', 'csv', '--comply'],
    ]) {
      const bad = await cli(...args);
      assertNoCrash(bad);
      assert.equal(bad.status, 1, `${args.join(' ')}: ${bad.stderr}`);
      assert.notEqual(bad.stderr.trim(), '');
    }
  });
});

/** RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] ?? '';
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
