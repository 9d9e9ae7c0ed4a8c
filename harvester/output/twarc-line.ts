/*
 * twarc2's file format (docs/architecture.md, "Data format"): one API response per line, as X sent it, with
 * `"__twarc": {"url", "version", "retrieved_at"}` added, as twarc2's own _append_metadata does.
 */

import { VERSION } from '../../platform/version.js';

const TWARC_VERSION = `twarc-cloud ${VERSION}`;

/** The `__twarc` object as JSON text; retrieved_at like Python's isoformat(timespec="seconds"). */
export function twarcMetadata(url: string, retrievedAt: Date): string {
  const at = `${retrievedAt.toISOString().slice(0, 19)}+00:00`;
  return JSON.stringify({ url, version: TWARC_VERSION, retrieved_at: at });
}

/**
 * A REST page as one line: the body with the `__twarc` member appended after its last member.
 * (Stream messages get the same member spliced into their raw bytes: stream-group/message-router.ts.)
 */
export function pageLine(body: Record<string, unknown>, metadata: string): string {
  const text = JSON.stringify(body);
  return `${text.slice(0, -1)}${Object.keys(body).length > 0 ? ',' : ''}"__twarc":${metadata}}`;
}
