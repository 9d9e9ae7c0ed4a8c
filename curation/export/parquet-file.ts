/*
 * The Parquet file of an export: DuckDB reads the workers' parts (Parquet's input dialect,
 * row-format.ts) and writes one typed column each, in its own folder under a memory limit: times
 * as TIMESTAMP WITH TIME ZONE, counts as integers, lists as lists and X's objects as STRUCTs, so
 * that DuckDB, pandas and Polars read a time series without a cast.
 */

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileSystemUserError } from '../../platform/fs-errors.js';
import { PARQUET_INPUT_DIALECT } from './row-format.js';
import { TWEET_COLUMNS, type CellKind } from './tweet-columns.js';

/** How DuckDB is run: its threads, its memory limit, the rows of a Parquet row group it holds before writing it, and the longest row it reads. */
export interface DuckDbBudget {
  readonly threads: number;
  readonly memoryLimit: string;
  readonly rowGroupRows: number;
  /** DuckDB's CSV reader holds buffers of twice this for several parts at once, inside its memory limit. */
  readonly lineBytes: number;
}

/**
 * Two threads first: one thread left a core idle for the 13-14 s DuckDB takes over a million
 * tweets, against 7 s with two. Two threads had needed about 200 MB of RSS whatever the limit
 * said (refused at 130 MB, the export's peak 302-326 MB): DuckDB keeps a string dictionary page of
 * up to 1 MB per string column per thread, outside its memory limit, and the typed columns bring
 * some 45 leaves more (STRUCTs of media, annotations, poll options, rules). Dictionary pages of at
 * most 64 KB (STRING_DICTIONARY_PAGE_SIZE_LIMIT, same file size to within 0.1 %) bring two threads
 * under 130 MB and the export's peak under 300 MB (docs/decisions.md, "Parquet at 10x within 300
 * MB"). The CSV reader's buffers (twice the longest row it reads) count against the limit, so the
 * first budget reads rows of up to 1 MB (a post's is at most some 200 KB); rows far longer or wider
 * than a tweet's, or a machine where two threads do not fit, are written again from the same parts
 * with one thread and more room. Row groups of 2,048 rows are the least DuckDB writes.
 */
export const DUCKDB_BUDGETS: readonly DuckDbBudget[] = [
  { threads: 2, memoryLimit: '130MB', rowGroupRows: 2048, lineBytes: 1 << 20 },
  { threads: 1, memoryLimit: '110MB', rowGroupRows: 2048, lineBytes: 4 << 20 },
  { threads: 1, memoryLimit: '160MB', rowGroupRows: 2048, lineBytes: 16 << 20 },
];

/** The largest string dictionary page DuckDB keeps per column and thread (its default is 1 MB). */
const DICTIONARY_PAGE_BYTES = 64 << 10;

/**
 * What DuckDB says when a budget is too small for the parts: out of memory, or a row longer than
 * it reads, which it reports as a line too long when the row fits its buffer and as an unterminated
 * quote when the row is longer than the buffer itself (the parts are written by the export, so
 * their quotes are always closed).
 */
const TOO_SMALL = /Out of Memory|line size|unterminated quote/i;

const DUCKDB_TYPES: Readonly<Record<CellKind, string>> = { string: 'VARCHAR', integer: 'BIGINT', boolean: 'BOOLEAN', json: 'JSON' };

export async function parquetFrom(
  parts: readonly string[],
  out: string,
  workDir: string,
  budgets: readonly DuckDbBudget[] = DUCKDB_BUDGETS,
): Promise<void> {
  // Every row left out: one empty part still gives the file its columns.
  const sources = parts.length > 0 ? parts : [join(workDir, 'no-rows')];
  if (parts.length === 0) await writeFile(join(workDir, 'no-rows'), '');
  await collectGarbage();
  await returnFreedMemory();
  for (const [attempt, budget] of budgets.entries()) {
    try {
      await writeParquet(sources, out, join(workDir, `duckdb-${attempt}`), budget);
      return;
    } catch (error) {
      await rm(out, { force: true });
      if (attempt === budgets.length - 1 || !(error instanceof Error) || !TOO_SMALL.test(error.message))
        throw fileSystemProblemOf(error, out) ?? error;
    }
  }
}

/** DuckDB's I/O errors are messages, not errno codes: a full disk or a forbidden folder read as the file system's own. */
const DUCKDB_IO: ReadonlyArray<readonly [RegExp, string]> = [
  [/No space left on device/i, 'ENOSPC'],
  [/Disk quota exceeded/i, 'EDQUOT'],
  [/Read-only file system/i, 'EROFS'],
  [/Permission denied/i, 'EACCES'],
];

function fileSystemProblemOf(error: unknown, out: string): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = DUCKDB_IO.find(([pattern]) => pattern.test(error.message))?.[1];
  if (code === undefined) return undefined;
  return fileSystemUserError(Object.assign(new Error(error.message), { code, path: out, syscall: 'write' }));
}

async function writeParquet(sources: readonly string[], out: string, folder: string, budget: DuckDbBudget): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  await mkdir(folder, { recursive: true });
  const instance = await DuckDBInstance.create(join(folder, 'parquet.duckdb'), {
    memory_limit: budget.memoryLimit,
    threads: String(budget.threads),
    temp_directory: join(folder, 'spill'),
    preserve_insertion_order: 'false',
  });
  const db = await instance.connect();
  try {
    const columns = TWEET_COLUMNS.map(
      (c) => `${quote(c.name)}: '${c.parquet && 'time' in c.parquet ? 'TIMESTAMPTZ' : DUCKDB_TYPES[c.kind]}'`,
    ).join(', ');
    // A list or objects, JSON text in the parts, becomes a Parquet list (of STRUCTs); fields X adds later are left out, not refused.
    const selected = TWEET_COLUMNS.map((c) =>
      c.parquet && 'structure' in c.parquet
        ? `json_transform(${identifier(c.name)}, ${quote(c.parquet.structure)}) AS ${identifier(c.name)}`
        : identifier(c.name),
    ).join(', ');
    // zstd: snappy made DuckDB's part 15 % faster (about 1.4 s a million tweets), but its files 65 % larger.
    const { delimiter, quote: fieldQuote } = PARQUET_INPUT_DIALECT;
    await db.run(
      `COPY (SELECT ${selected} FROM read_csv([${sources.map(quote).join(', ')}], auto_detect = false, header = false,
        delim = ${quote(delimiter)}, quote = ${quote(fieldQuote)}, escape = ${quote(fieldQuote)},
        columns = {${columns}}, max_line_size = ${budget.lineBytes}, buffer_size = ${2 * budget.lineBytes}))
       TO ${quote(out)} (FORMAT parquet, COMPRESSION 'zstd', ROW_GROUP_SIZE ${budget.rowGroupRows},
        STRING_DICTIONARY_PAGE_SIZE_LIMIT ${DICTIONARY_PAGE_BYTES})`,
    );
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/**
 * The rows' ids (18 MB for a million tweets) and the workers' last answers are garbage once the
 * parts are written, but V8 collects only when JavaScript allocates, which it hardly does while
 * DuckDB works: collected first, they leave DuckDB 40 MB more of the export's memory budget.
 */
async function collectGarbage(): Promise<void> {
  const [{ setFlagsFromString }, { runInNewContext }] = await Promise.all([import('node:v8'), import('node:vm')]);
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Closing a DuckDB instance gives the process's freed heap back to the system (DuckDB's allocator
 * trims malloc's arenas as it shuts down, on Linux): what the row workers and the id set freed is
 * otherwise kept by malloc, and DuckDB's own memory came on top of it. Measured at a million
 * tweets: the export's RSS before the write fell from 146-167 MB to 127-133 MB, and its peak from
 * 279-310 MB to 256-258 MB. (An attempt that ran out of memory used to do this by accident.)
 */
async function returnFreedMemory(): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const db = await instance.connect();
  try {
    await db.run('SELECT 1');
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
