/*
 * Reading what harvests stored: the tweet files of a collection (never the unmatched stream
 * messages kept beside them), and the twarc2 pages in them, one parsed line at a time.
 */

import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { collectionKeys, harvestId, harvestIdOfKey, isTweetsFileKey } from './keys.js';
import { listAll, type ArchiveStore, type ObjectInfo } from './store.js';
import { UserError } from '../errors.js';

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

/** What is wrong with each tweet file that could not be read to its end, by key. */
export type DamagedFiles = Map<string, string>;

/**
 * The pages of one tweet file, parsed; a line that is not JSON is reported to `onBadLine` and
 * passed over. A file whose gzip stream is damaged (cut short, or not gzip) yields the pages before
 * the damage; what is wrong goes into `damaged`, or, without it, is thrown as the user's to fix.
 */
export async function* pagesOf(
  store: ArchiveStore,
  key: string,
  onBadLine?: (line: number) => void,
  damaged?: DamagedFiles,
): AsyncGenerator<Record<string, unknown>> {
  const body = await store.download(key);
  if (!body) return;
  try {
    yield* linesOf(body, onBadLine);
  } catch (error) {
    if (!(error instanceof GzipDamaged)) throw error;
    if (!damaged) throw new DamagedTweetFile(key, error.message);
    damaged.set(key, error.message);
  }
}

/** A gzip stream that cannot be read to its end. */
export class GzipDamaged extends Error {}

/** A damaged tweet file, for a command told to stop at one (--strict). */
export class DamagedTweetFile extends UserError {
  constructor(key: string, problem: string) {
    super(
      `${key} is damaged: ${problem}`,
      "restore it from a backup or the bucket's version history; without --strict, the rest of the collection is read and the file is named",
    );
  }
}

/** Refuses to go on when a command was told to stop at a damaged file. */
export function refuseDamaged(damaged: DamagedFiles): void {
  const [first] = damaged;
  if (first) throw new DamagedTweetFile(first[0], `${first[1]}${damaged.size > 1 ? ` (and ${damaged.size - 1} more damaged files)` : ''}`);
}

/** A line for the user about the damaged files passed over, or undefined when there were none. */
export function damagedWarning(damaged: DamagedFiles): string | undefined {
  if (damaged.size === 0) return undefined;
  const files = [...damaged].map(([key, problem]) => `${key} (${problem})`);
  return `warning: ${damaged.size} damaged tweet file${damaged.size === 1 ? '' : 's'} read only up to the damage (the archive is unchanged): ${files.join(', ')}; --strict fails instead`;
}

/**
 * The parsed lines of a gzipped twarc2 file, from a stream of its bytes; a damaged stream ends in
 * GzipDamaged. `decode` turns a line's bytes into text (UTF-8 unless it says otherwise).
 */
export async function* linesOf(
  gzipped: Readable,
  onBadLine?: (line: number) => void,
  decode: (bytes: Buffer) => string = (bytes) => bytes.toString('utf8'),
): AsyncGenerator<Record<string, unknown>> {
  let number = 0;
  try {
    for await (const bytes of lineBuffers(gzipped.pipe(createGunzip({ chunkSize: 256 * 1024 })))) {
      number += 1;
      if (bytes.length === 0) continue;
      try {
        const page = JSON.parse(decode(bytes)) as unknown;
        if (typeof page === 'object' && page !== null) yield page as Record<string, unknown>;
      } catch {
        onBadLine?.(number);
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('Z_')) throw error;
    const message = (error as Error).message;
    throw new GzipDamaged(message === 'unexpected end of file' ? 'cut short (unexpected end of file)' : `not readable gzip (${message})`);
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

/** The ids of the posts a page (or stream message) holds as its data, as X sent them: a list, or one post. */
export function postIdsOf(page: Record<string, unknown>): unknown[] {
  const data = page['data'];
  return (Array.isArray(data) ? data : [data]).map((post) => (post as { id?: unknown } | null | undefined)?.id);
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
