import { VERSION } from '../../platform/version.js';

/**
 * twarc2's file format (DESIGN.md section 6): one API response per line, as X sent it, with
 * `"__twarc": {"url", "version", "retrieved_at"}` added, as twarc2's own _append_metadata does.
 */
export const TWARC_VERSION = `twarc-cloud ${VERSION}`;

/** The `__twarc` object as JSON text; retrieved_at like Python's isoformat(timespec="seconds"). */
export function twarcMetadata(url: string, retrievedAt: Date): string {
  const at = `${retrievedAt.toISOString().slice(0, 19)}+00:00`;
  return JSON.stringify({ url, version: TWARC_VERSION, retrieved_at: at });
}

/** A REST page as one line. */
export function pageLine(body: Record<string, unknown>, metadata: string): string {
  const text = JSON.stringify(body);
  return spliceMetadata(text, metadata);
}

/**
 * A stream message as one line: the bytes X sent, with the metadata spliced in before the final
 * brace, so that the message is never parsed and re-serialised on the hot path.
 */
export function spliceMetadata(objectText: string, metadata: string): string {
  const end = objectText.lastIndexOf('}');
  if (end < 0) throw new Error('not a JSON object');
  const empty = /^\{\s*$/.test(objectText.slice(0, end));
  return `${objectText.slice(0, end)}${empty ? '' : ','}"__twarc":${metadata}}`;
}
