/*
 * A row as text. CSV as twarc-csv writes it: newlines in text escaped as "\n", carriage returns
 * dropped, lists and objects as Python's json.dumps writes them, booleans as True/False; or exact
 * CSV (text as it is, JSON as JSON), which DuckDB reads back to write Parquet. JSON lines keep
 * every value in its own type.
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
  return `${TWEET_COLUMNS.map((c) => cell(c.kind, c.value(row))).join(',')}\n`;
}

function twarcCsvCell(kind: CellKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (kind === 'json') return csvField(pythonJson(value));
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return csvField(value.replace(/\r/g, '').replace(/\n/g, '\\n'));
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
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return asciiOnly(JSON.stringify(value));
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${asciiOnly(JSON.stringify(key))}: ${pythonJson(item)}`)
    .join(', ')}}`;
}

const NON_ASCII = /[\u0080-\uffff]/;

function asciiOnly(json: string): string {
  if (!NON_ASCII.test(json)) return json;
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
