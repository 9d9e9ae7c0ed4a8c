import type { Readable } from 'node:stream';

/**
 * The archive store port: the few operations the reconciler and the harvester need of an object
 * store, with S3's semantics. Two adapters implement it (a local directory and S3), and one contract
 * suite (test/platform/archive-store.contract.ts) holds both to the same behaviour.
 *
 * ETags are opaque strings compared for equality, quoted like S3's. Conditional writes are how
 * racing writers are kept apart (docs/architecture.md, "The archive contract"): `ifNoneMatch: '*'` creates only if absent,
 * `ifMatch` replaces only the version that was read.
 */
export interface ArchiveStore {
  /** Where the archive is, for messages: a directory path or `s3://bucket/prefix`. */
  readonly location: string;
  get(key: string): Promise<StoredObject | undefined>;
  put(key: string, body: string | Uint8Array, conditions?: WriteConditions): Promise<{ readonly etag: string }>;
  /** One page of the keys under `prefix`, in key order. */
  list(prefix: string, page?: { readonly token?: string; readonly limit?: number }): Promise<ListPage>;
  /** Deleting a missing key succeeds, as on S3; with `ifMatch`, only that version is deleted. */
  delete(key: string, conditions?: { readonly ifMatch?: string }): Promise<void>;
  /** Streams a large body in (multipart on S3), never holding it whole in memory. */
  upload(key: string, body: Readable, options?: { readonly contentType?: string }): Promise<{ readonly etag: string }>;
  /** Stores a file from disk, streamed from it (on S3 part by part from its byte ranges), never held in memory. */
  uploadFile(key: string, path: string, options?: { readonly contentType?: string }): Promise<{ readonly etag: string }>;
  /** Streams an object out; undefined when it does not exist. */
  download(key: string): Promise<Readable | undefined>;
}

export interface StoredObject {
  readonly body: Buffer;
  readonly etag: string;
}

export interface WriteConditions {
  readonly ifNoneMatch?: '*';
  readonly ifMatch?: string;
  readonly contentType?: string;
  /** Readable only by its owner where the store has owners (a local file: mode 0600); the bucket is private anyway. */
  readonly private?: boolean;
  /**
   * A short-lived object rewritten often (a lock's heartbeat): tagged so that the bucket's lifecycle
   * rule expires its old versions after a day instead of keeping every one.
   */
  readonly ephemeral?: boolean;
  /**
   * A record rewritten in place outside the harvests (a config, the index, state): tagged so that the
   * bucket's lifecycle rule expires its old versions after a while. An object with neither tag keeps
   * every version for ever: no lifecycle rule touches a harvest's files.
   */
  readonly replaced?: boolean;
}

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface ListPage {
  readonly objects: readonly ObjectInfo[];
  /** Present when more keys follow; pass it back to get the next page. */
  readonly nextToken?: string;
}

/** A conditional write or delete found the object not in the expected state. */
export class PreconditionFailed extends Error {
  override readonly name = 'PreconditionFailed';
  constructor(readonly key: string, condition: string) {
    super(`${key}: ${condition} did not hold`);
  }
}

/** Every key under `prefix`, across pages. */
export async function* listAll(store: ArchiveStore, prefix: string): AsyncGenerator<ObjectInfo> {
  let token: string | undefined;
  do {
    const page = await store.list(prefix, token === undefined ? {} : { token });
    yield* page.objects;
    token = page.nextToken;
  } while (token !== undefined);
}

/**
 * Writes and deletes a small object under `prefix`: a command about to buy something it must then
 * store (X's compliance jobs) finds out first that it cannot, from the store's own error.
 */
export async function assertWritable(store: ArchiveStore, prefix: string): Promise<void> {
  const probe = `${prefix}.write-probe-${process.pid}-${Date.now()}`;
  await store.put(probe, '', { ifNoneMatch: '*' });
  await store.delete(probe);
}

/** Keys are relative, `/`-separated, without empty, `.` or `..` segments: safe as paths and as S3 keys. */
export function assertValidKey(key: string): void {
  const segments = key.split('/');
  if (key === '' || key.startsWith('/') || segments.some((s) => s === '' || s === '.' || s === '..') || key.includes('\\') || key.includes('\0')) {
    throw new Error(`invalid archive key: ${JSON.stringify(key)}`);
  }
}
