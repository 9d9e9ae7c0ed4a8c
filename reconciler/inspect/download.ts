import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { collectionKeys, harvestId, harvestIdOfKey } from '../../platform/archive/keys.js';
import { listAll, type ArchiveStore, type ObjectInfo } from '../../platform/archive/store.js';

export interface DownloadReport {
  downloaded: number;
  skipped: number;
  bytes: number;
  /** Tweet files whose content does not match manifest-sha1.txt. */
  readonly mismatches: string[];
  removed: number;
}

export interface DownloadOptions {
  /** Only harvests that started at or after this time. */
  readonly since?: Date;
  /** Remove local files the archive no longer has. */
  readonly clean?: boolean;
  readonly progress?: (done: number, total: number, bytes: number) => void;
}

/** Objects that change after they are written: fetched every time. */
const MUTABLE = /(^|\/)(collection|state|last_harvest|collections)\.json$/;

/**
 * Copies a collection's part of the archive into `dest`, mirroring its keys. A tweet file already
 * there and matching its manifest is skipped; every file is written under a temporary name and
 * renamed when complete, so an interrupted download leaves no half files and resumes with what
 * is missing. Tweet files are checked against manifest-sha1.txt; mismatches are reported.
 */
export async function downloadCollection(
  store: ArchiveStore,
  collectionId: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadReport> {
  const prefix = collectionKeys(collectionId).prefix;
  // Harvest ids are their start times, so they compare as times do.
  const sinceId = options.since ? harvestId(options.since) : undefined;
  const objects: ObjectInfo[] = [];
  for await (const object of listAll(store, prefix)) {
    const harvest = harvestIdOfKey(object.key);
    if (sinceId !== undefined && harvest !== undefined && harvest < sinceId) continue;
    objects.push(object);
  }
  const manifests = new Map<string, string>();
  for (const object of objects.filter((o) => o.key.endsWith('/manifest-sha1.txt'))) {
    const text = (await store.get(object.key))?.body.toString('utf8') ?? '';
    const folder = object.key.slice(0, object.key.lastIndexOf('/') + 1);
    for (const line of text.split('\n')) {
      const match = /^([0-9a-f]{40}) {2}(.+)$/.exec(line);
      if (match?.[1] !== undefined && match[2] !== undefined) manifests.set(`${folder}${match[2]}`, match[1]);
    }
  }
  const report: DownloadReport = { downloaded: 0, skipped: 0, bytes: 0, mismatches: [], removed: 0 };
  let done = 0;
  for (const object of objects) {
    const local = join(dest, ...object.key.slice(prefix.length).split('/'));
    const expected = manifests.get(object.key);
    const present = await stat(local).catch(() => undefined);
    const keep =
      present !== undefined &&
      !MUTABLE.test(object.key) &&
      (expected !== undefined ? (await sha1OfFile(local)) === expected : present.size === object.size);
    if (keep) report.skipped += 1;
    else {
      const sha1 = await fetchTo(store, object.key, local);
      report.downloaded += 1;
      report.bytes += object.size;
      if (expected !== undefined && sha1 !== expected) report.mismatches.push(object.key.slice(prefix.length));
    }
    done += 1;
    options.progress?.(done, objects.length, report.bytes);
  }
  if (options.clean === true) {
    const wanted = new Set(objects.map((o) => join(dest, ...o.key.slice(prefix.length).split('/'))));
    for (const file of await filesUnder(dest)) {
      if (!wanted.has(file)) {
        await rm(file);
        report.removed += 1;
      }
    }
  }
  return report;
}

async function fetchTo(store: ArchiveStore, key: string, local: string): Promise<string> {
  await mkdir(dirname(local), { recursive: true });
  const body = await store.download(key);
  if (!body) throw new Error(`${key} disappeared while downloading`);
  const partial = `${local}.part`;
  const hash = createHash('sha1');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(partial));
  await rename(partial, local);
  return hash.digest('hex');
}

async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !relative(dir, f).split(sep).includes('..'));
}
