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
 * Two threads first: on a million tweets (two cores, interleaved runs) 33.6-35.9 s against
 * 36.7-42 s with one, at a peak of 277-297 MB against 283-294 (row groups of 2,048 rows, the
 * least DuckDB writes; at 110 MB two threads ran out of memory now and then). A row group is held
 * in memory before it is written, so rows much wider than a tweet's could outgrow that; then one
 * thread, with room for twice the rows, writes the file again from the same parts.
 */
export const DUCKDB_BUDGETS: readonly DuckDbBudget[] = [
  { threads: 2, memoryLimit: '130MB', rowGroupRows: 2048 },
  { threads: 1, memoryLimit: '100MB', rowGroupRows: 4096 },
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
