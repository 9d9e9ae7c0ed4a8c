/*
 * A row as text. CSV as twarc-csv writes it: newlines in text escaped as "\n", carriage returns
 * dropped, lists and objects as Python's json.dumps writes them, booleans as True/False; or exact
 * CSV (text as it is, JSON as JSON), which DuckDB reads back to write Parquet. JSON lines keep
 * every value in its own type.
 * Formatting is half an export's CPU, so the cells are built by concatenation, without arrays of
 * parts, and a regular expression runs only where a cheap test says it has work to do.
 */

import { TWEET_COLUMNS, type CellKind, type TweetInPage } from './tweet-columns.js';

export type RowFormat = 'twarc-csv' | 'exact-csv' | 'jsonl';

export function header(format: RowFormat): string {
  return format === 'jsonl' ? '' : `${TWEET_COLUMNS.map((c) => csvField(c.name)).join(',')}\n`;
}

export function formatRow(row: TweetInPage, format: RowFormat): string {
  if (format === 'jsonl') {
    const record: Record<string, unknown> = {};
    for (const column of TWEET_COLUMNS) record[column.name] = column.value(row) ?? null;
    return `${JSON.stringify(record)}\n`;
  }
  const cell = format === 'twarc-csv' ? twarcCsvCell : exactCell;
  let text = '';
  for (let index = 0; index < TWEET_COLUMNS.length; index += 1) {
    const column = TWEET_COLUMNS[index] as (typeof TWEET_COLUMNS)[number];
    text += index === 0 ? cell(column.kind, column.value(row)) : `,${cell(column.kind, column.value(row))}`;
  }
  return `${text}\n`;
}

function twarcCsvCell(kind: CellKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (kind === 'json') return csvField(pythonJson(value));
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string')
    return csvField(value.includes('\r') || value.includes('\n') ? value.replace(/\r/g, '').replace(/\n/g, '\\n') : value);
  return typeof value === 'number' ? String(value) : csvField(scalarText(value));
}

function exactCell(kind: CellKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  return csvField(kind === 'json' ? JSON.stringify(value) : scalarText(value));
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/** JSON as Python's json.dumps writes it (", " and ": " between items, non-ASCII escaped), which twarc-csv uses for lists. */
export function pythonJson(value: unknown): string {
  const json = pythonSeparators(value);
  // Non-ASCII occurs only inside strings, so escaping it in the whole text escapes it in each string.
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

function pythonSeparators(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1)
      text += index === 0 ? pythonSeparators(value[index]) : `, ${pythonSeparators(value[index])}`;
    return `${text}]`;
  }
  let text = '{';
  for (const [key, item] of Object.entries(value))
    text += `${text.length === 1 ? '' : ', '}${JSON.stringify(key)}: ${pythonSeparators(item)}`;
  return `${text}}`;
}

const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;
const NEEDS_QUOTES = /[",\n\r]/;

function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.includes('"') ? text.replace(/"/g, '""') : text}"` : text;
}
