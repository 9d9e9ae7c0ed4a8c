import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sleep } from '../async.js';
import { assertValidKey, PreconditionFailed, type ArchiveStore, type ListPage, type ObjectInfo, type StoredObject, type WriteConditions } from './store.js';

/** Temporary files live beside their target (same file system, so rename is atomic) under this prefix. */
const TEMP_PREFIX = '.twarc-cloud-tmp-';
const GUARD_SUFFIX = '.twarc-cloud-guard';
/** A guard older than this was left by a crashed writer and may be broken. */
const STALE_GUARD_MS = 30_000;

/**
 * The archive in a local directory, with S3's semantics: a write is atomic (written aside, then
 * renamed into place), ETags are derived from content (MD5, quoted, as S3 gives for single-part
 * uploads), and conditional writes really refuse: a create links the new file into place, which
 * fails if the name exists; a replace or delete holds an exclusive guard file while it compares.
 */
export class LocalArchiveStore implements ArchiveStore {
  readonly location: string;

  constructor(private readonly root: string) {
    this.location = root;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const body = await readFile(this.path(key)).catch(ifMissing(undefined));
    return body && { body, etag: etagOf(body) };
  }

  async put(key: string, body: string | Uint8Array, conditions: WriteConditions = {}): Promise<{ etag: string }> {
    const path = this.path(key);
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    await makeFolder(dirname(path));
    const temp = await writeTemp(
      path,
      async (file) => {
        await file.writeFile(bytes);
      },
      conditions.private === true ? 0o600 : 0o644,
    );
    try {
      if (conditions.ifNoneMatch === '*') {
        await link(temp, path).catch((error: unknown) => {
          if (isCode(error, 'EEXIST')) throw new PreconditionFailed(key, 'If-None-Match: *');
          throw error;
        });
      } else if (conditions.ifMatch !== undefined) {
        const expected = conditions.ifMatch;
        await this.guarded(path, async () => {
          const current = await readFile(path).catch(ifMissing(undefined));
          if (!current || etagOf(current) !== expected) throw new PreconditionFailed(key, `If-Match: ${expected}`);
          await rename(temp, path);
        });
      } else {
        await rename(temp, path);
      }
    } finally {
      await unlink(temp).catch(ifMissing(undefined));
    }
    return { etag: etagOf(bytes) };
  }

  async list(prefix: string, page: { token?: string; limit?: number } = {}): Promise<ListPage> {
    const limit = page.limit ?? 1000;
    const keys = (await this.walk(this.root)).filter((key) => key.startsWith(prefix) && (page.token === undefined || key > page.token)).sort();
    const chosen = keys.slice(0, limit);
    const objects: ObjectInfo[] = [];
    for (const key of chosen) {
      const info = await stat(this.path(key)).catch(ifMissing(undefined));
      if (info) objects.push({ key, size: info.size, lastModified: info.mtime });
    }
    const last = chosen[chosen.length - 1];
    return keys.length > limit && last !== undefined ? { objects, nextToken: last } : { objects };
  }

  async delete(key: string, conditions: { ifMatch?: string } = {}): Promise<void> {
    const path = this.path(key);
    const expected = conditions.ifMatch;
    if (expected === undefined) {
      await unlink(path).catch(ifMissing(undefined));
      return;
    }
    await this.guarded(path, async () => {
      const current = await readFile(path).catch(ifMissing(undefined));
      if (!current) return;
      if (etagOf(current) !== expected) throw new PreconditionFailed(key, `If-Match: ${expected}`);
      await unlink(path);
    });
  }

  uploadFile(key: string, path: string): Promise<{ etag: string }> {
    return this.upload(key, createReadStream(path));
  }

  async upload(key: string, body: Readable): Promise<{ etag: string }> {
    const path = this.path(key);
    await makeFolder(dirname(path));
    const hash = createHash('md5');
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const temp = tempPath(path);
    try {
      await pipeline(body, hashing, createWriteStream(temp, { flags: 'wx' }));
      const file = await open(temp, 'r+');
      await file.sync().finally(() => file.close());
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(ifMissing(undefined));
      throw error;
    }
    return { etag: `"${hash.digest('hex')}"` };
  }

  async download(key: string): Promise<Readable | undefined> {
    const path = this.path(key);
    const info = await stat(path).catch(ifMissing(undefined));
    return info?.isFile() ? createReadStream(path) : undefined;
  }

  /** Where an object lives on disk, for tools that read files themselves (DuckDB, for exports). */
  fileOf(key: string): string {
    return this.path(key);
  }

  private path(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  /** Runs `action` while holding an exclusive guard for `path`, so compare-and-swap is atomic across processes. */
  private async guarded<T>(path: string, action: () => Promise<T>): Promise<T> {
    const guard = path + GUARD_SUFFIX;
    for (let attempt = 0; ; attempt++) {
      const handle = await open(guard, 'wx').catch((error: unknown) => {
        if (isCode(error, 'EEXIST')) return undefined;
        throw error;
      });
      if (handle) {
        await handle.close();
        try {
          return await action();
        } finally {
          await unlink(guard).catch(ifMissing(undefined));
        }
      }
      const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, ifMissing(0));
      if (age > STALE_GUARD_MS) await rm(guard, { force: true });
      else await sleep(Math.min(50, 2 + attempt));
    }
  }

  private async walk(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(ifMissing([]));
    const keys: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) keys.push(...(await this.walk(path)));
      else if (entry.isFile() && !entry.name.startsWith(TEMP_PREFIX) && !entry.name.endsWith(GUARD_SUFFIX)) {
        keys.push(relative(this.root, path).split(sep).join('/'));
      }
    }
    return keys;
  }
}

/**
 * mkdir -p that tells why it failed: Node's recursive mkdir reports ENOENT for a parent it could not
 * create, whatever the cause (a read-only file system, a missing permission); the deepest folder
 * that cannot be created is tried alone, which gives the real reason.
 */
async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    if (!isCode(error, 'ENOENT')) throw error;
    let missing = path;
    while ((await stat(dirname(missing)).catch(() => undefined)) === undefined && dirname(missing) !== missing) missing = dirname(missing);
    await mkdir(missing);
    throw error;
  }
}

function tempPath(target: string): string {
  return join(dirname(target), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
}

async function writeTemp(target: string, write: (file: FileHandle) => Promise<void>, mode: number): Promise<string> {
  const temp = tempPath(target);
  const file = await open(temp, 'wx', mode);
  try {
    await write(file);
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(temp).catch(ifMissing(undefined));
    throw error;
  }
  await file.close();
  return temp;
}

function etagOf(bytes: Uint8Array): string {
  return `"${createHash('md5').update(bytes).digest('hex')}"`;
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

function ifMissing<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (isCode(error, 'ENOENT')) return fallback;
    throw error;
  };
}
