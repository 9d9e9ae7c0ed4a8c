/*
 * Copies a collection's part of the archive into a folder, mirroring its keys. A tweet file already
 * there and matching its manifest is skipped; every file is written beside its target and renamed
 * when complete, so an interrupted download leaves no half files and resumes with what is missing.
 * Tweet files are checked against manifest-sha1.txt; a key that could leave the folder is skipped
 * and reported. The folder rules (what it refuses, what --clean may remove) are download-destination.ts's.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { collectionKeys, harvestId, harvestIdOfKey, isTweetsFileKey } from '../../platform/archive/keys.js';
import { listAll, type ArchiveStore, type ObjectInfo } from '../../platform/archive/store.js';
import { DestinationRefused, DownloadDestination } from './download-destination.js';
import { compliantLines, type LeftOutCounts } from '../compliance/filter-pages.js';
import type { ComplianceMarks } from '../compliance/latest-compliance.js';

export interface DownloadReport {
  downloaded: number;
  skipped: number;
  bytes: number;
  /** Tweet files whose content does not match manifest-sha1.txt. */
  readonly mismatches: string[];
  /** Keys that would land outside the destination, left out. */
  readonly unsafe: string[];
  removed: number;
  /** With `comply`: tweets left out of the tweet files, by why. */
  readonly leftOut: LeftOutCounts;
}

export interface DownloadOptions {
  /** Only harvests that started at or after this time. */
  readonly since?: Date;
  /** Remove files that earlier downloads of this collection wrote here and the archive no longer has. */
  readonly clean?: boolean;
  readonly progress?: (done: number, total: number, bytes: number) => void;
  /**
   * Tweet files are written without what this compliance run marks (each still checked against its
   * manifest as stored, so the written file differs from the manifest by what was left out).
   */
  readonly comply?: ComplianceMarks;
}

/** The collection's objects that change after they are written (its top level): fetched every time. */
const MUTABLE = /^((collection|state|last_harvest)\.json|post_ids\.gz)$/;

export async function downloadCollection(
  store: ArchiveStore,
  collectionId: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadReport> {
  const destination = await DownloadDestination.open(dest, collectionId);
  const prefix = collectionKeys(collectionId).prefix;
  // Harvest ids are their start times, so they compare as times do.
  const sinceId = options.since ? harvestId(options.since) : undefined;
  const report: DownloadReport = { downloaded: 0, skipped: 0, bytes: 0, mismatches: [], unsafe: [], removed: 0, leftOut: new Map() };
  const objects: Array<ObjectInfo & { relative: string }> = [];
  for await (const object of listAll(store, prefix)) {
    const harvest = harvestIdOfKey(object.key);
    if (sinceId !== undefined && harvest !== undefined && harvest < sinceId) continue;
    // Every post id ever stored, those of posts X has since deleted too: a complying copy leaves it out.
    if (options.comply && object.key === collectionKeys(collectionId).postIds) continue;
    const relative = object.key.slice(prefix.length);
    if (destination.pathOf(relative) === undefined) report.unsafe.push(object.key);
    else objects.push({ ...object, relative });
  }
  const manifests = await readManifests(store, objects);
  const written = new Set<string>();
  let done = 0;
  for (const object of objects) {
    const expected = manifests.get(object.key);
    const present = await destination.existing(object.relative);
    const filter = options.comply && isTweetsFileKey(object.relative) ? compliantLines(options.comply, report.leftOut) : undefined;
    const keep =
      filter === undefined &&
      present !== undefined &&
      !MUTABLE.test(object.relative) &&
      (expected !== undefined ? (await sha1OfFile(present.path)) === expected : present.size === object.size);
    if (keep) report.skipped += 1;
    else if (present !== undefined && !destination.wrote(object.relative) && !(await sameBytes(store, object.key, present.path))) {
      // A file of the same name that no download recorded writing is the user's own: never replaced.
      throw new DestinationRefused(
        `${present.path} is not a file download wrote, and differs from ${object.key} in the archive; it is not replaced`,
        'move it away, or download into a new folder',
      );
    } else {
      const sha1 = await fetchTo(store, object.key, destination, object.relative, filter);
      report.downloaded += 1;
      report.bytes += object.size;
      if (expected !== undefined && sha1 !== expected) report.mismatches.push(object.relative);
    }
    written.add(object.relative);
    done += 1;
    options.progress?.(done, objects.length, report.bytes);
  }
  if (options.clean === true) report.removed = await destination.clean(new Set(objects.map((o) => o.relative)));
  await destination.record(collectionId, store.location, written);
  return report;
}

/** True when a local file holds exactly the archive object's bytes (a download killed before it recorded it wrote it). */
async function sameBytes(store: ArchiveStore, key: string, path: string): Promise<boolean> {
  const local = await readFile(path);
  const stored = await store.get(key);
  return stored !== undefined && stored.body.equals(local);
}

async function readManifests(store: ArchiveStore, objects: readonly ObjectInfo[]): Promise<Map<string, string>> {
  const manifests = new Map<string, string>();
  for (const object of objects.filter((o) => o.key.endsWith('/manifest-sha1.txt'))) {
    const text = (await store.get(object.key))?.body.toString('utf8') ?? '';
    const folder = object.key.slice(0, object.key.lastIndexOf('/') + 1);
    for (const line of text.split('\n')) {
      const match = /^([0-9a-f]{40}) {2}(.+)$/.exec(line);
      if (match?.[1] !== undefined && match[2] !== undefined) manifests.set(`${folder}${match[2]}`, match[1]);
    }
  }
  return manifests;
}

async function fetchTo(
  store: ArchiveStore,
  key: string,
  destination: DownloadDestination,
  relative: string,
  filter: ReturnType<typeof compliantLines> | undefined,
): Promise<string> {
  const body = await store.download(key);
  if (!body) throw new Error(`${key} disappeared while downloading`);
  const hash = createHash('sha1');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  await destination.write(relative, async (file) => {
    const out = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        file.write(chunk).then(() => {
          callback();
        }, callback);
      },
    });
    if (filter) await pipeline(body, tap, createGunzip(), filter, createGzip(), out);
    else await pipeline(body, tap, out);
  });
  return hash.digest('hex');
}

async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
