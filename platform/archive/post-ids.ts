/*
 * A collection's distinct post ids (collections/<id>/post_ids.gz, schemas/archive/post-ids.schema.json):
 * what lets each harvest's end count the posts an export would write, a post stored twice counted
 * once, without reading the tweet files again. Ids are unsigned 64-bit numbers in typed arrays: 8
 * bytes a post in memory; stored as ascending differences, about 4 bytes a post before gzip.
 */

import { gunzipSync, gzipSync } from 'node:zlib';
import { schemaValidator } from '../schema-validation.js';
import type { ArchiveObjects } from './archive-types.js';
import { collectionKeys } from './keys.js';
import { ArchiveObjectInvalid } from './objects.js';
import { LARGEST_POST_ID, postIdValue } from '../x-api/snowflake.js';
import type { ArchiveStore } from './store.js';

export type PostIdsHeader = ArchiveObjects['post-ids'];

export interface PostIdIndex {
  readonly header: PostIdsHeader;
  /** Ascending, each once. */
  readonly ids: BigUint64Array;
}

/** Varint groups that still fit a double exactly (7 x 7 = 49 bits): the common case, without BigInt arithmetic. */
const EXACT_BITS = 49;
const EXACT_LIMIT = 2n ** BigInt(EXACT_BITS);

/** Post ids in the order they came, duplicates and all, in an array that grows as needed. */
export class PostIdList {
  private values = new BigUint64Array(256);
  private size = 0;

  get length(): number {
    return this.size;
  }

  add(id: unknown): void {
    const value = postIdValue(id);
    if (value === undefined) return;
    this.reserve(1);
    this.values[this.size] = value;
    this.size += 1;
  }

  addAll(other: PostIdList): void {
    this.reserve(other.size);
    this.values.set(other.values.subarray(0, other.size), this.size);
    this.size += other.size;
  }

  /** The ids, ascending, each once. */
  sortedUnique(): BigUint64Array {
    return uniqueOfSorted(this.values.slice(0, this.size).sort());
  }

  private reserve(more: number): void {
    if (this.size + more <= this.values.length) return;
    const grown = new BigUint64Array(Math.max(this.values.length * 2, this.size + more));
    grown.set(this.values.subarray(0, this.size));
    this.values = grown;
  }
}

/** A sorted array with each run of equal ids kept once. */
function uniqueOfSorted(sorted: BigUint64Array): BigUint64Array {
  let kept = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const value = sorted[i] as bigint;
    if (kept === 0 || sorted[kept - 1] !== value) sorted[kept++] = value;
  }
  return sorted.subarray(0, kept);
}

/** The ids of both (each ascending, each once), ascending, each once. */
export function unionOfSorted(a: BigUint64Array, b: BigUint64Array): BigUint64Array {
  const out = new BigUint64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as bigint;
    const y = b[j] as bigint;
    if (x <= y) {
      out[n++] = x;
      i += 1;
      if (x === y) j += 1;
    } else {
      out[n++] = y;
      j += 1;
    }
  }
  while (i < a.length) out[n++] = a[i++] as bigint;
  while (j < b.length) out[n++] = b[j++] as bigint;
  return out.subarray(0, n);
}

/** The file: the header as one JSON line, then the ascending ids as differences, LEB128 varints; gzipped. */
export function encodePostIds(header: PostIdsHeader, ids: BigUint64Array): Buffer {
  const head = Buffer.from(`${JSON.stringify(header)}\n`);
  let bytes = new Uint8Array(head.length + ids.length * 5 + 16);
  bytes.set(head);
  let n = head.length;
  let previous = 0n;
  for (const id of ids) {
    if (n + 10 > bytes.length) {
      const grown = new Uint8Array(bytes.length * 2);
      grown.set(bytes.subarray(0, n));
      bytes = grown;
    }
    let delta = id - previous;
    previous = id;
    if (delta < EXACT_LIMIT) {
      let small = Number(delta);
      while (small >= 0x80) {
        bytes[n++] = (small % 0x80) | 0x80;
        small = Math.floor(small / 0x80);
      }
      bytes[n++] = small;
    } else {
      while (delta >= 0x80n) {
        bytes[n++] = Number(delta & 0x7fn) | 0x80;
        delta >>= 7n;
      }
      bytes[n++] = Number(delta);
    }
  }
  return gzipSync(bytes.subarray(0, n));
}

/** Reads the file back; anything that is not such a file, or whose ids disagree with its header, is refused. */
export function decodePostIds(gzipped: Buffer, key: string, location: string): PostIdIndex {
  const refuse = (problem: string): never => {
    throw new ArchiveObjectInvalid(key, location, [problem]);
  };
  let bytes: Buffer;
  try {
    bytes = gunzipSync(gzipped);
  } catch (error) {
    return refuse(`not readable gzip (${error instanceof Error ? error.message : String(error)})`);
  }
  const end = bytes.indexOf(10);
  if (end === -1) return refuse('no header line');
  let header: unknown;
  try {
    header = JSON.parse(bytes.subarray(0, end).toString('utf8'));
  } catch {
    return refuse('its header line is not JSON');
  }
  const format = (header as { format?: unknown } | null)?.format;
  if (format !== 'twarc-cloud/post-ids@1')
    return refuse(`its header has format ${JSON.stringify(format ?? null)}, and this version of twarc-cloud reads "twarc-cloud/post-ids@1"`);
  const validator = schemaValidator('archive/post-ids');
  if (!validator.accepts(header)) return refuse(validator.issues(header).map((issue) => `${issue.pointer || '/'} ${issue.message}`)[0] ?? 'invalid header');
  const valid = header as PostIdsHeader;
  const ids = new BigUint64Array(valid.posts);
  let at = end + 1;
  let previous = 0n;
  for (let k = 0; k < valid.posts; k += 1) {
    let small = 0;
    let large: bigint | undefined;
    let shift = 0;
    let byte: number;
    do {
      if (at >= bytes.length) return refuse(`it holds ${k} ids where its header says ${valid.posts}`);
      byte = bytes[at++] as number;
      if (shift < EXACT_BITS) small += (byte & 0x7f) * 2 ** shift;
      else large = (large ?? BigInt(small)) + (BigInt(byte & 0x7f) << BigInt(shift));
      shift += 7;
      if (byte & 0x80 && shift >= 70) return refuse(`id ${k + 1} runs past 64 bits`);
    } while (byte & 0x80);
    const delta = large ?? BigInt(small);
    if (k > 0 && delta === 0n) return refuse(`id ${k + 1} repeats the one before`);
    previous += delta;
    if (previous > LARGEST_POST_ID) return refuse(`id ${k + 1} is larger than 64 bits`);
    ids[k] = previous;
  }
  if (at !== bytes.length) return refuse(`it holds more ids than the ${valid.posts} its header says`);
  return { header: valid, ids };
}

export async function readPostIds(store: ArchiveStore, collectionId: string): Promise<PostIdIndex | undefined> {
  const key = collectionKeys(collectionId).postIds;
  const stored = await store.get(key);
  return stored ? decodePostIds(stored.body, key, store.location) : undefined;
}

/** Replaces the collection's index; its old versions go as a replaced record's do. */
export async function writePostIds(store: ArchiveStore, header: PostIdsHeader, ids: BigUint64Array): Promise<void> {
  if (header.posts !== ids.length) throw new Error(`post ids header says ${header.posts}, ${ids.length} ids given`);
  const validator = schemaValidator('archive/post-ids');
  if (!validator.accepts(header)) throw new Error(`refusing to write an invalid post-ids header: ${JSON.stringify(validator.issues(header))}`);
  await store.put(collectionKeys(header.collection).postIds, encodePostIds(header, ids), { contentType: 'application/gzip', replaced: true });
}
