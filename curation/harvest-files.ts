/*
 * Reading what harvests stored: the tweet files of a collection (never the unmatched stream
 * messages kept beside them), and the twarc2 pages in them, one parsed line at a time.
 */

import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { collectionKeys, harvestId, harvestIdOfKey, isTweetsFileKey } from '../platform/archive/keys.js';
import { listAll, type ArchiveStore, type ObjectInfo } from '../platform/archive/store.js';

export interface HarvestFile extends ObjectInfo {
  readonly harvestId: string;
}

/** The collection's tweet files, oldest harvest first; `since` keeps harvests that started then or later. */
export async function tweetFiles(store: ArchiveStore, collectionId: string, since?: Date): Promise<HarvestFile[]> {
  const sinceId = since ? harvestId(since) : undefined;
  const files: HarvestFile[] = [];
  for await (const object of listAll(store, collectionKeys(collectionId).harvestsPrefix)) {
    const id = harvestIdOfKey(object.key);
    if (id === undefined || !isTweetsFileKey(object.key)) continue;
    if (sinceId !== undefined && id < sinceId) continue;
    files.push({ ...object, harvestId: id });
  }
  return files;
}

/** The pages of one tweet file, parsed; a line that is not JSON is reported to `onBadLine` and passed over. */
export async function* pagesOf(
  store: ArchiveStore,
  key: string,
  onBadLine?: (line: number) => void,
): AsyncGenerator<Record<string, unknown>> {
  const body = await store.download(key);
  if (body) yield* linesOf(body, onBadLine);
}

/** The parsed lines of a gzipped twarc2 file, from a stream of its bytes. */
export async function* linesOf(gzipped: Readable, onBadLine?: (line: number) => void): AsyncGenerator<Record<string, unknown>> {
  let number = 0;
  for await (const bytes of lineBuffers(gzipped.pipe(createGunzip({ chunkSize: 256 * 1024 })))) {
    number += 1;
    if (bytes.length === 0) continue;
    try {
      const page = JSON.parse(bytes.toString('utf8')) as unknown;
      if (typeof page === 'object' && page !== null) yield page as Record<string, unknown>;
    } catch {
      onBadLine?.(number);
    }
  }
}

/**
 * The lines of a stream of bytes, without their newlines. Split on the bytes (a newline byte never
 * occurs inside a UTF-8 character); a line that spans chunks is gathered once, when its end arrives.
 */
export async function* lineBuffers(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const bytes of chunks) {
    let start = 0;
    for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
      const piece = bytes.subarray(start, end);
      yield pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      start = end + 1;
    }
    if (start < bytes.length) pending.push(bytes.subarray(start));
  }
  if (pending.length > 0) yield Buffer.concat(pending);
}

/** The tweets and users a page holds or references: the ids a compliance job should check. */
export function idsOfPage(page: Record<string, unknown>, tweets: Set<string>, users: Set<string>): void {
  const includes = (page['includes'] ?? {}) as { tweets?: unknown; users?: unknown };
  const data = page['data'];
  const listed = (value: unknown): Array<{ id?: unknown; author_id?: unknown }> =>
    (Array.isArray(value) ? value : value !== undefined ? [value] : []) as Array<{ id?: unknown; author_id?: unknown }>;
  for (const row of [...listed(data), ...listed(includes.tweets)]) {
    if (typeof row.id === 'string') tweets.add(row.id);
    if (typeof row.author_id === 'string') users.add(row.author_id);
  }
  for (const user of (Array.isArray(includes.users) ? includes.users : []) as Array<{ id?: unknown }>) {
    if (typeof user.id === 'string') users.add(user.id);
  }
}
