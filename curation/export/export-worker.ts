/*
 * A worker thread of an export: turns whole tweet files into rows, one file per request, written
 * to a part file beside it; answers with each row's tweet id, author and length, so that the
 * export can leave duplicates and compliance-marked tweets out while it joins the parts.
 */

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { GzipDamaged, linesOf } from '../../platform/archive/harvest-files.js';
import { bytewiseEncoding } from './bytewise-text.js';
import { idHalves } from './id-set.js';
import { formatRow, type RowFormat } from './row-format.js';
import { tweetsOfLine } from './tweet-columns.js';

export interface FileRequest {
  readonly path: string;
  readonly part: string;
  readonly format: RowFormat;
}

/** Per row, in order: its tweet id and author id as (high, low) halves (id-set.ts), and its bytes in the part file. */
export interface FileRows {
  readonly ids: Uint32Array<ArrayBuffer>;
  readonly authors: Uint32Array<ArrayBuffer>;
  readonly lengths: Uint32Array<ArrayBuffer>;
  readonly badLines: number;
  /** What is wrong with a file whose gzip stream could not be read to its end; its rows up to the damage are kept. */
  readonly damage?: string;
}

async function rowsOf(request: FileRequest): Promise<FileRows> {
  const out = createWriteStream(request.part);
  const rows = { ids: [] as number[], authors: [] as number[], lengths: [] as number[] };
  let bad = 0;
  let damage: string | undefined;
  try {
    await readRows(request, rows, out, () => (bad += 1));
  } catch (error) {
    if (!(error instanceof GzipDamaged)) throw error;
    damage = error.message;
  }
  await new Promise<void>((resolve, reject) => {
    out.on('error', reject);
    out.end(resolve);
  });
  return {
    ids: Uint32Array.from(rows.ids),
    authors: Uint32Array.from(rows.authors),
    lengths: Uint32Array.from(rows.lengths),
    badLines: bad,
    ...(damage !== undefined ? { damage } : {}),
  };
}

async function readRows(
  request: FileRequest,
  rows: { ids: number[]; authors: number[]; lengths: number[] },
  out: WriteStream,
  onBadLine: () => void,
): Promise<void> {
  // Each row is written in the encoding its line was read in, which keeps the line's bytes (bytewise-text.ts).
  const read: { encoding: 'latin1' | 'utf8' } = { encoding: 'utf8' };
  const decode = (bytes: Buffer): string => {
    read.encoding = bytewiseEncoding(bytes);
    return bytes.toString(read.encoding);
  };
  for await (const line of linesOf(createReadStream(request.path), onBadLine, decode)) {
    const texts: string[] = [];
    let chars = 0;
    for (const tweet of tweetsOfLine(line)) {
      const id = tweet.t['id'];
      if (typeof id !== 'string') continue;
      const row = formatRow(tweet, request.format, read.encoding === 'latin1');
      rows.ids.push(...idHalves(id));
      rows.authors.push(...(typeof tweet.t['author_id'] === 'string' ? idHalves(tweet.t['author_id']) : [0, 0]));
      texts.push(row);
      chars += row.length;
    }
    if (texts.length === 0) continue;
    // Encoding each row once gives its length too; Buffer.byteLength and then the write encoded every row twice.
    // A UTF-16 unit is at most 3 bytes of UTF-8 (one of Latin-1), so the buffer always holds the line's rows.
    const { encoding } = read;
    const bytes = Buffer.allocUnsafe((encoding === 'latin1' ? 1 : 3) * chars);
    let end = 0;
    for (const text of texts) {
      const length = bytes.write(text, end, encoding);
      rows.lengths.push(length);
      end += length;
    }
    if (!out.write(bytes.subarray(0, end))) await once(out, 'drain');
  }
}

parentPort?.on('message', (request: FileRequest) => {
  rowsOf(request).then(
    (rows) => parentPort?.postMessage({ rows }, [rows.ids.buffer, rows.authors.buffer, rows.lengths.buffer]),
    (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
