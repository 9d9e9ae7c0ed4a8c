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

/** How DuckDB is run: its threads, its memory limit, and the rows of a Parquet row group it holds before writing it. */
export interface DuckDbBudget {
  readonly threads: number;
  readonly memoryLimit: string;
  readonly rowGroupRows: number;
}

/**
 * One thread. Untyped, two threads were faster (a million tweets, two cores: 33.6-35.9 s against
 * 36.7-42 s). Typed, DuckDB's Parquet writer reserves memory per leaf column and per thread, and
 * the STRUCT columns (media with its variants, context annotations, annotations, poll options,
 * rules) bring some 45 leaves more: two threads are refused at once below 160 MB, and at 160 MB
 * the export's peak RSS is 323-333 MB, over its 300 MB budget (the worker threads leave some
 * 70 MB of native memory behind). One thread: a million tweets exported in 35.3-35.5 s at a
 * peak of 261-267 MB with 80 MB and row groups of 2,048 rows (the least DuckDB writes), against
 * 33.9 s at 283-304 MB with 100 MB and 4,096. Rows much wider than a tweet's could outgrow 80 MB;
 * then the file is written again from the same parts with more room.
 */
export const DUCKDB_BUDGETS: readonly DuckDbBudget[] = [
  { threads: 1, memoryLimit: '80MB', rowGroupRows: 2048 },
  { threads: 1, memoryLimit: '110MB', rowGroupRows: 2048 },
];

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
  for (const [attempt, budget] of budgets.entries()) {
    try {
      await writeParquet(sources, out, join(workDir, `duckdb-${attempt}`), budget);
      return;
    } catch (error) {
      await rm(out, { force: true });
      if (attempt === budgets.length - 1 || !(error instanceof Error) || !/Out of Memory/i.test(error.message))
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
        columns = {${columns}}, max_line_size = 4194304, buffer_size = 8388608))
       TO ${quote(out)} (FORMAT parquet, COMPRESSION 'zstd', ROW_GROUP_SIZE ${budget.rowGroupRows})`,
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

function identifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
