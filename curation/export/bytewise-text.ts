/*
 * A tweet file's line decoded as Latin-1 instead of UTF-8 where that changes no byte of the rows
 * made from it. JSON's syntax is ASCII, so UTF-8's multi-byte characters occur only inside its
 * strings; as Latin-1, each of their bytes becomes one character, which Latin-1 writes back as the
 * same byte. Decoding UTF-8 and encoding it again was a fifth of an export worker's CPU, and
 * JSON.parse reads one-byte strings faster (docs/decisions.md, "Parquet at 10x within 300 MB").
 * Rows copy strings whole; twarc-csv's JSON, which escapes non-ASCII characters one code point at
 * a time, decodes its text first (row-format.ts, pythonJson).
 */

import { isUtf8 } from 'node:buffer';

const BACKSLASH_U = Buffer.from('\\u');

/**
 * How to decode a line so that its rows keep its bytes: Latin-1, unless the line escapes a
 * non-ASCII character (`\u00e9`, which JSON.parse turns into one character Latin-1 cannot write
 * back) or is not valid UTF-8 (decoded as UTF-8, its bad bytes become U+FFFD, as they always did).
 */
export function bytewiseEncoding(line: Buffer): 'latin1' | 'utf8' {
  for (let at = line.indexOf(BACKSLASH_U); at !== -1; at = line.indexOf(BACKSLASH_U, at + 2)) {
    const code = Number.parseInt(line.toString('latin1', at + 2, at + 6), 16);
    if (!(code < 0x80)) return 'utf8';
  }
  return isUtf8(line) ? 'latin1' : 'utf8';
}
