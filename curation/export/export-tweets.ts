/*
 * A collection's tweets as one table (CSV, Parquet or JSON lines): one row per tweet, its
 * expansions resolved from its own page (tweet-columns.ts). Worker threads turn the tweet files
 * into rows, a file at a time each, streamed, so memory stays bounded whatever the collection's
 * size; the rows are joined newest harvest first, and a tweet already written (harvested again,
 * or replayed) is left out, so the copy kept is the one last retrieved.
 * Parquet is written by DuckDB from the rows as CSV of its own dialect (row-format.ts), typed column
 * by column (DuckDB's CSV reader streams in little memory; its JSON reader, given twarc2's nested
 * pages, did not).
 */

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { OutputFile } from '../../platform/output-file.js';
import { UserError } from '../../platform/errors.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { leftOutBecause, type ComplianceMarks } from '../compliance/latest-compliance.js';
import type { LeftOutCounts } from '../compliance/filter-pages.js';
import { refuseDamaged, tweetFiles, type DamagedFiles, type HarvestFile } from '../../platform/archive/harvest-files.js';
import type { FileRequest, FileRows } from './export-worker.js';
import { IdSet, idFromHalves } from './id-set.js';
import { header, type RowFormat } from './row-format.js';
import { parquetFrom } from './parquet-file.js';

export type ExportFormat = 'csv' | 'parquet' | 'jsonl';

export interface ExportOptions {
  readonly format: ExportFormat;
  /** Where the rows go: opened by the command, by the rule for every file written outside the archive (platform/output-file.ts). */
  readonly out: OutputFile;
  /** A folder for work files (rows of each file, Parquet's input, DuckDB's spill), removed afterwards. */
  readonly workDir: string;
  readonly since?: Date;
  readonly comply?: ComplianceMarks;
  /** Worker threads (default: the machine's cores, at most 4). */
  readonly workers?: number;
  /** Fail at a damaged tweet file, writing nothing, instead of exporting what can be read of it. */
  readonly strict?: boolean;
  readonly progress?: (filesDone: number, files: number, rows: number) => void;
}

export interface ExportReport {
  readonly rows: number;
  readonly files: number;
  /** Copies of tweets already exported from a newer harvest, left out. */
  readonly duplicates: number;
  readonly badLines: number;
  /** The tweet files holding lines that are not JSON (damaged in storage, or cut short), which were passed over. */
  readonly damaged: ReadonlyArray<{ readonly key: string; readonly lines: number }>;
  /** The tweet files whose gzip stream could not be read to its end: their rows up to the damage are exported. */
  readonly damagedFiles: DamagedFiles;
  readonly leftOut: LeftOutCounts;
}

export async function exportTweets(store: ArchiveStore, collectionId: string, options: ExportOptions): Promise<ExportReport> {
  const files = await tweetFiles(store, collectionId, options.since);
  if (files.length === 0)
    throw new UserError(
      `collection ${collectionId} has no tweet files in ${store.location}${options.since ? ` from harvests since ${options.since.toISOString()}` : ''}`,
      'twarc-cloud list shows the collections and their last harvests',
    );
  await mkdir(options.workDir, { recursive: true });
  const partial = options.out.partial;
  try {
    // Parquet is made by DuckDB straight from the workers' parts (kept in order, filtered where rows are left out).
    const { parts, ...report } = await writeRows(store, [...files].reverse(), options.format === 'parquet' ? undefined : partial, options);
    if (options.strict === true) refuseDamaged(report.damagedFiles);
    if (options.format === 'parquet') await parquetFrom(parts, partial, options.workDir);
    await options.out.commit();
    return report;
  } finally {
    await options.out.discard();
    await rm(options.workDir, { recursive: true, force: true });
  }
}

const ROW_FORMAT: Readonly<Record<ExportFormat, RowFormat>> = { csv: 'twarc-csv', parquet: 'parquet-input', jsonl: 'jsonl' };

async function writeRows(
  store: ArchiveStore,
  newestFirst: readonly HarvestFile[],
  rowsFile: string | undefined,
  options: ExportOptions,
): Promise<ExportReport & { parts: string[] }> {
  const format = ROW_FORMAT[options.format];
  const out = rowsFile !== undefined ? createWriteStream(rowsFile) : undefined;
  if (out) await write(out, header(format));
  const kept: string[] = [];
  const pool = new RowWorkers(options.workers ?? Math.min(4, availableParallelism()));
  const seen = new IdSet();
  const leftOut: LeftOutCounts = new Map();
  let rows = 0;
  let duplicates = 0;
  let badLines = 0;
  const damaged: Array<{ key: string; lines: number }> = [];
  const damagedFiles: DamagedFiles = new Map();
  try {
    const paths = await localPaths(store, newestFirst, options.workDir);
    const partOf = (index: number): string => join(options.workDir, `part-${index}`);
    const pending: Array<Promise<FileRows> | undefined> = paths.map((path, index) => {
      const made = pool.run({ path, part: partOf(index), format });
      made.catch(() => undefined); // awaited in order below; a failure is reported there
      return made;
    });
    for (let index = 0; index < pending.length; index += 1) {
      const made = pending[index];
      // Each file's ids and lengths are let go once joined: a million tweets' are 20 MB.
      pending[index] = undefined;
      if (!made) continue;
      const file = await made;
      const part = partOf(index);
      badLines += file.badLines;
      if (file.badLines > 0) damaged.push({ key: newestFirst[index]?.key ?? '', lines: file.badLines });
      if (file.damage !== undefined) damagedFiles.set(newestFirst[index]?.key ?? '', file.damage);
      const keep: boolean[] = [];
      for (let row = 0; row < file.lengths.length; row += 1) {
        const [high, low] = [file.ids[2 * row] ?? 0, file.ids[2 * row + 1] ?? 0];
        if (!seen.add(high, low)) {
          duplicates += 1;
          keep.push(false);
          continue;
        }
        const why = options.comply
          ? leftOutBecause(options.comply, {
              id: idFromHalves(high, low),
              author_id: idFromHalves(file.authors[2 * row] ?? 0, file.authors[2 * row + 1] ?? 0),
            })
          : undefined;
        if (why !== undefined) leftOut.set(why, (leftOut.get(why) ?? 0) + 1);
        keep.push(why === undefined);
      }
      const count = keep.filter(Boolean).length;
      rows += count;
      if (out) {
        await copyRows(part, file.lengths, keep, out);
        await rm(part, { force: true });
      } else if (count === keep.length && count > 0) kept.push(part);
      else {
        if (count > 0) {
          const filtered = createWriteStream(`${part}-kept`);
          await copyRows(part, file.lengths, keep, filtered);
          await new Promise<void>((resolve) => filtered.end(resolve));
          kept.push(`${part}-kept`);
        }
        await rm(part, { force: true });
      }
      options.progress?.(index + 1, pending.length, rows);
    }
  } finally {
    await pool.close();
    if (out) await new Promise<void>((resolve) => out.end(resolve));
  }
  return { rows, files: newestFirst.length, duplicates, badLines, damaged, damagedFiles, leftOut, parts: kept };
}

/** Copies the kept rows of a part file; a part with every row kept is copied whole. */
async function copyRows(part: string, lengths: ArrayLike<number>, keep: readonly boolean[], out: WriteStream): Promise<void> {
  if (keep.every(Boolean)) {
    for await (const chunk of createReadStream(part, { highWaterMark: 1 << 20 })) await write(out, chunk as Buffer);
    return;
  }
  let row = 0;
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(part, { highWaterMark: 1 << 20 })) {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    while (row < lengths.length && start + (lengths[row] ?? 0) <= pending.length) {
      const end = start + (lengths[row] ?? 0);
      if (keep[row] === true) await write(out, pending.subarray(start, end));
      start = end;
      row += 1;
    }
    pending = pending.subarray(start);
  }
}

/**
 * A row worker's young generation: its garbage is a page's objects, dead once the page's rows are
 * written. V8's default let each worker keep tens of MB of it between collections: at a million
 * tweets, 16 MB took the row phase's peak from 241 to 211 MB (Parquet) and the CSV export's from
 * 248 to 212-221 MB, as fast. 8 MB was as fast for Parquet but made CSV, whose rows are larger and
 * made of more pieces, 30 % slower.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 16 } as const;

/** Worker threads that each turn one file at a time into rows. */
class RowWorkers {
  private readonly idle: Worker[] = [];
  private readonly queue: Array<() => void> = [];
  private readonly all: Worker[] = [];

  constructor(size: number) {
    for (let i = 0; i < Math.max(1, size); i += 1) {
      const worker = new Worker(new URL('./export-worker.js', import.meta.url), { resourceLimits: WORKER_HEAP });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  async run(request: FileRequest): Promise<FileRows> {
    const worker =
      this.idle.pop() ??
      (await new Promise<Worker>((resolve) =>
        this.queue.push(() => {
          resolve(this.idle.pop() as Worker);
        }),
      ));
    try {
      return await new Promise<FileRows>((resolve, reject) => {
        const onMessage = (message: { rows?: FileRows; error?: string }): void => {
          worker.off('error', reject);
          if (message.rows) resolve(message.rows);
          else reject(new Error(`exporting ${request.path}: ${message.error ?? 'the worker failed'}`));
        };
        worker.once('message', onMessage);
        worker.once('error', reject);
        worker.postMessage(request);
      });
    } finally {
      this.idle.push(worker);
      this.queue.shift()?.();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((worker) => worker.terminate()));
  }
}

/** Workers read files: a local archive's in place; an S3 archive's are streamed to the work folder first. */
async function localPaths(store: ArchiveStore, files: readonly HarvestFile[], workDir: string): Promise<string[]> {
  if (store instanceof LocalArchiveStore) return files.map((file) => store.fileOf(file.key));
  const paths: string[] = [];
  for (const [index, file] of files.entries()) {
    const body = await store.download(file.key);
    if (!body) throw new Error(`${file.key} disappeared while exporting`);
    const path = join(workDir, `file-${index}.jsonl.gz`);
    await pipeline(body, createWriteStream(path));
    paths.push(path);
  }
  return paths;
}

async function write(out: WriteStream, data: string | Buffer): Promise<void> {
  if (!out.write(data)) await once(out, 'drain');
}
