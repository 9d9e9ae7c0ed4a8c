/*
 * A row as text. CSV as twarc-csv writes it: newlines in text escaped as "\n", carriage returns
 * dropped, lists and objects as Python's json.dumps writes them, booleans as True/False; or
 * Parquet's input, which DuckDB reads back to write Parquet: text as it is, JSON as JSON, in a CSV
 * dialect of ASCII's unit and record separators (PARQUET_INPUT_DIALECT). JSON lines keep every
 * value in its own type.
 * Formatting is half an export's CPU, so the cells are built by concatenation, without arrays of
 * parts, and a regular expression runs only where a cheap test says it has work to do.
 */

import { TWEET_COLUMNS, type CellKind, type TweetInPage } from './tweet-columns.js';

export type RowFormat = 'twarc-csv' | 'parquet-input' | 'jsonl';

/**
 * The CSV dialect of Parquet's input: fields apart by the unit separator, a field quoted by the
 * record separator only when it holds one of them or a line break. JSON.stringify escapes every
 * control character, so a JSON value never needs quoting, and no quote inside one is doubled:
 * with "," and '"' a row was 15 % larger, took its worker 15 % longer and DuckDB 20 % longer.
 */
export const PARQUET_INPUT_DIALECT = { delimiter: '\x1f', quote: '\x1e' } as const;

export function header(format: RowFormat): string {
  if (format === 'jsonl') return '';
  if (format === 'parquet-input') return `${TWEET_COLUMNS.map((c) => inputText(c.name)).join(PARQUET_INPUT_DIALECT.delimiter)}\n`;
  return `${TWEET_COLUMNS.map((c) => csvField(c.name)).join(',')}\n`;
}

/**
 * `bytewise`: the row's strings hold a line's UTF-8 bytes one Latin-1 character each
 * (bytewise-text.ts), and the row is written as Latin-1.
 */
export function formatRow(row: TweetInPage, format: RowFormat, bytewise = false): string {
  if (format === 'jsonl') {
    const record: Record<string, unknown> = {};
    for (const column of TWEET_COLUMNS) record[column.name] = column.value(row) ?? null;
    return `${JSON.stringify(record)}\n`;
  }
  const [cell, delimiter] = format === 'twarc-csv' ? [twarcCsvCell, ','] : [inputCell, PARQUET_INPUT_DIALECT.delimiter];
  let text = '';
  for (let index = 0; index < TWEET_COLUMNS.length; index += 1) {
    const column = TWEET_COLUMNS[index] as (typeof TWEET_COLUMNS)[number];
    const value = cell(column.kind, column.value(row), bytewise);
    text += index === 0 ? value : `${delimiter}${value}`;
  }
  return `${text}\n`;
}

function twarcCsvCell(kind: CellKind, value: unknown, bytewise: boolean): string {
  if (value === undefined || value === null) return '';
  if (kind === 'json') return csvField(pythonJson(value, bytewise));
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string')
    return csvField(value.includes('\r') || value.includes('\n') ? value.replace(/\r/g, '').replace(/\n/g, '\\n') : value);
  return typeof value === 'number' ? String(value) : csvField(scalarText(value));
}

function inputCell(kind: CellKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  return kind === 'json' ? JSON.stringify(value) : inputText(scalarText(value));
}

// eslint-disable-next-line no-control-regex -- the dialect's separators are ASCII control characters by design
const INPUT_SPECIAL = /[\x1e\x1f\n\r]/;
// eslint-disable-next-line no-control-regex -- as above
const INPUT_QUOTES = /\x1e/g;

function inputText(text: string): string {
  if (!INPUT_SPECIAL.test(text)) return text;
  const quote = PARQUET_INPUT_DIALECT.quote;
  return `${quote}${text.includes(quote) ? text.replace(INPUT_QUOTES, quote + quote) : text}${quote}`;
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}

/**
 * JSON as Python's json.dumps writes it (", " and ": " between items, non-ASCII escaped), which
 * twarc-csv uses for lists. Its escapes are by code point, so strings read bytewise are decoded
 * first: the escaped text is ASCII, the same bytes in either encoding.
 */
export function pythonJson(value: unknown, bytewise = false): string {
  const separated = pythonSeparators(value);
  const json = bytewise && HIGH_BYTE.test(separated) ? Buffer.from(separated, 'latin1').toString('utf8') : separated;
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

const HIGH_BYTE = /[\u0080-\u00ff]/;
const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_ALL = /[\u0080-\uffff]/g;
const NEEDS_QUOTES = /[",\n\r]/;

function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.includes('"') ? text.replace(/"/g, '""') : text}"` : text;
}
