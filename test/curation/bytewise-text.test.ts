/*
 * An export worker reads a line as Latin-1 where that keeps every byte of the rows made from it
 * (curation/export/bytewise-text.ts): the rows of CSV, of Parquet's input and of JSON lines are the
 * same bytes as when the line is decoded as UTF-8, whatever script, emoji or escape the line holds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { bytewiseEncoding } from '../../curation/export/bytewise-text.js';
import type { FileRequest, FileRows } from '../../curation/export/export-worker.js';
import { formatRow, type RowFormat } from '../../curation/export/row-format.js';
import { tweetsOfLine } from '../../curation/export/tweet-columns.js';

const TEXTS = [
  'plain ASCII',
  'emoji \u{1F30D}\u{1F469}\u200D\u{1F52C} and a flag \u{1F1FA}\u{1F1E6}',
  'right to left: \u0645\u0631\u062D\u0628\u0627 \u05E9\u05DC\u05D5\u05DD',
  'CJK \u65E5\u672C\u8A9E, combining e\u0301, Latin-1 range \u00E9\u00FF\u00A0',
];

/** A page as X sends it, its non-ASCII characters either raw UTF-8 or escaped as \uXXXX. */
function page(escaped: boolean): Buffer {
  const json = JSON.stringify({
    data: TEXTS.map((text, index) => ({
      id: String(1_800_000_000_000_000_000n + BigInt(index)),
      author_id: '12',
      text,
      entities: { hashtags: [{ start: 0, end: 4, tag: `\u00FCber${index}` }] },
    })),
    includes: { users: [{ id: '12', username: 'someone', name: 'S\u00F8ren \u{1F680}', location: '\u6771\u4EAC' }] },
  });
  const line = escaped ? json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
  return Buffer.from(line, 'utf8');
}

/** The rows of a line decoded as UTF-8: what an export wrote before it read lines bytewise. */
function utf8Rows(line: Buffer, format: RowFormat): Buffer {
  const rows = tweetsOfLine(JSON.parse(line.toString('utf8')) as Record<string, unknown>).map((tweet) => formatRow(tweet, format));
  return Buffer.from(rows.join(''), 'utf8');
}

describe('reading a line bytewise', () => {
  it('reads raw UTF-8 as Latin-1, and a line that escapes a non-ASCII character, a lone surrogate or holds bytes that are not UTF-8 as UTF-8', () => {
    assert.equal(bytewiseEncoding(page(false)), 'latin1');
    assert.equal(bytewiseEncoding(Buffer.from('{"text":"a \\u0026 b, \\n, \\u001f"}')), 'latin1', 'ASCII escapes write back as they were');
    assert.equal(bytewiseEncoding(page(true)), 'utf8');
    assert.equal(bytewiseEncoding(Buffer.from('{"text":"half a pair \\ud83c"}')), 'utf8');
    assert.equal(bytewiseEncoding(Buffer.from([...Buffer.from('{"text":"'), 0xc3, 0x28, ...Buffer.from('"}')])), 'utf8');
  });

  for (const format of ['twarc-csv', 'parquet-input', 'jsonl'] as const)
    it(`gives the ${format} rows the same bytes as UTF-8 would, through a real export worker`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bytewise-'));
      const lines = [page(false), page(true)];
      const path = join(dir, 'tweets.jsonl.gz');
      writeFileSync(path, gzipSync(Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]))));
      const request: FileRequest = { path, part: join(dir, 'part-0'), format };
      const worker = new Worker(new URL('../../curation/export/export-worker.js', import.meta.url));
      try {
        const answer = await new Promise<{ rows?: FileRows; error?: string }>((resolve) => {
          worker.once('message', resolve);
          worker.postMessage(request);
        });
        assert.equal(answer.error, undefined);
        const expected = Buffer.concat(lines.map((line) => utf8Rows(line, format)));
        assert.deepEqual(readFileSync(request.part), expected);
        assert.equal(
          [...(answer.rows?.lengths ?? [])].reduce((sum, length) => sum + length, 0),
          expected.length,
          'the row lengths the export joins by are byte lengths',
        );
        const written = readFileSync(request.part, 'utf8');
        assert.ok(written.includes(TEXTS[1] ?? '?'), 'the emoji survive as UTF-8');
        if (format === 'twarc-csv') assert.ok(written.includes('#\\u00fcber1'), "twarc-csv's lists escape by code point");
      } finally {
        await worker.terminate();
      }
    });
});
