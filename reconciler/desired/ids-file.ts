/*
 * The post ids a lookup collection hydrates, from a file of the repository in any of the forms
 * datasets are shared in: one id a line (blank lines and # comments skipped), twarc2 JSONL (pages
 * with `data`, or flattened posts with `id`), or CSV with an `id` column (twarc-csv's). Each id
 * once, in the file's order. A line that is not an id is named by its number, never shown: a file
 * named by mistake may hold anything.
 */

import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

export interface IdsFile {
  readonly ids: readonly string[];
  /** Line numbers (from 1) that hold no id, at most the first few. */
  readonly badLines: readonly number[];
  readonly badCount: number;
}

const ID = /^[1-9][0-9]{0,19}$/;
const SHOWN = 5;

/** The file's text, or why it cannot be read. */
export function readIdsFile(path: string, root: string): { text: string } | { problem: string } {
  if (isAbsolute(path) || path.split(/[\\/]/).includes('..'))
    return { problem: 'ids_file must be a path inside the repository, such as datasets/ids.txt' };
  try {
    return { text: readFileSync(resolve(root, path), 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? `no file ${path} in the repository` : `${path} cannot be read (${code ?? 'unknown error'})` };
  }
}

export function parseIds(text: string): IdsFile {
  const lines = text.split(/\r?\n/);
  const first = lines.find((line) => line.trim() !== '' && !line.startsWith('#'))?.trim() ?? '';
  const found = first.startsWith('{') ? jsonIds(lines) : /(^|,)"?id"?(,|$)/.test(first) ? csvIds(text) : plainIds(lines);
  const ids = [...new Set(found.ids)];
  return { ids, badLines: found.bad.slice(0, SHOWN), badCount: found.bad.length };
}

interface Found {
  ids: string[];
  bad: number[];
}

function plainIds(lines: readonly string[]): Found {
  const found: Found = { ids: [], bad: [] };
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (ID.test(line)) found.ids.push(line);
    else found.bad.push(index + 1);
  });
  return found;
}

function jsonIds(lines: readonly string[]): Found {
  const found: Found = { ids: [], bad: [] };
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      found.bad.push(index + 1);
      return;
    }
    const record = value as { data?: unknown; id?: unknown };
    const posts = record.data === undefined ? [record] : Array.isArray(record.data) ? record.data : [record.data];
    const ids = posts
      .map((post) => (post as { id?: unknown } | null)?.id)
      .filter((id): id is string => typeof id === 'string' && ID.test(id));
    if (ids.length === 0) found.bad.push(index + 1);
    found.ids.push(...ids);
  });
  return found;
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks): the `id` column. */
function csvIds(text: string): Found {
  const rows = csvRows(text);
  const header = rows[0]?.fields ?? [];
  const column = header.indexOf('id');
  const found: Found = { ids: [], bad: [] };
  for (const row of rows.slice(1)) {
    if (row.fields.length === 1 && row.fields[0] === '') continue;
    const id = row.fields[column]?.trim() ?? '';
    if (ID.test(id)) found.ids.push(id);
    else found.bad.push(row.line);
  }
  return found;
}

function csvRows(text: string): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line += 1;
        field += c;
      }
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      fields.push(field);
      rows.push({ line: rowLine, fields });
      fields = [];
      field = '';
      line += 1;
      rowLine = line;
    } else field += c;
  }
  if (field !== '' || fields.length > 0) rows.push({ line: rowLine, fields: [...fields, field] });
  return rows;
}
