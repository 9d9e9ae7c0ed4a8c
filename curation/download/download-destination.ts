/*
 * Where `download` writes: a folder it may fill, and later clean, without ever touching what it did
 * not write there. It refuses a folder that holds an archive, a git repository or collection files,
 * keeps a record of the files it wrote (so that --clean removes only those), and writes through no
 * symbolic link: every folder on the way is checked, and every file is created new beside its target
 * and renamed into place.
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { UserError } from '../../platform/errors.js';

/** The record of a download, kept in the destination folder. */
export const DOWNLOAD_RECORD = '.twarc-cloud-download.json';

interface DownloadRecord {
  readonly format: 'twarc-cloud/download@1';
  readonly collection: string;
  readonly archive: string;
  /** Every file this collection's downloads wrote here, relative to the destination, `/`-separated. */
  readonly files: readonly string[];
}

/** What shows a folder is not a download: an archive, a git repository, a twarc-cloud project. */
const NOT_A_DOWNLOAD: ReadonlyArray<readonly [name: string, what: string]> = [
  ['.git', 'a git repository'],
  ['collections.json', 'a twarc-cloud archive'],
  ['deployment.json', 'a twarc-cloud archive'],
  ['locks', 'a twarc-cloud archive'],
  ['collections', 'a twarc-cloud archive or collection files'],
  ['twarc-cloud.yaml', 'a twarc-cloud project'],
];

export class DestinationRefused extends UserError {}

export class DownloadDestination {
  private constructor(
    readonly root: string,
    private readonly previous: ReadonlySet<string>,
  ) {}

  /** Opens `root` for a download of `collection`, refusing a folder that is not one. */
  static async open(root: string, collection: string): Promise<DownloadDestination> {
    const info = await lstat(root).catch(() => undefined);
    if (info && !info.isDirectory())
      throw new DestinationRefused(`${root} is not a folder`, 'give --dest a folder (it is created if missing)');
    const record = info ? await readRecord(root) : undefined;
    if (record && record.collection !== collection) {
      throw new DestinationRefused(
        `${root} holds a download of collection ${record.collection}`,
        `download ${collection} into a folder of its own (the default is ./${collection})`,
      );
    }
    if (info && !record) {
      for (const [name, what] of NOT_A_DOWNLOAD) {
        if (
          await lstat(join(root, name)).then(
            () => true,
            () => false,
          )
        ) {
          throw new DestinationRefused(
            `${root} holds ${what} (${name}); download will not write into it`,
            'give --dest a new or empty folder',
          );
        }
      }
    }
    await mkdir(root, { recursive: true });
    return new DownloadDestination(root, new Set(record?.files ?? []));
  }

  /** True when an earlier download recorded writing `relative` here. */
  wrote(relative: string): boolean {
    return this.previous.has(relative);
  }

  /** The local path of a relative path, or undefined when the path could leave the folder. */
  pathOf(relative: string): string | undefined {
    const segments = relative.split('/');
    if (relative === '' || relative.includes('\\') || relative.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..'))
      return undefined;
    return join(this.root, ...segments);
  }

  /** A regular file at `relative`, not through a link; undefined when there is none. */
  async existing(relative: string): Promise<{ path: string; size: number } | undefined> {
    const path = this.pathOf(relative);
    if (path === undefined || !(await this.foldersAreReal(relative, false))) return undefined;
    const info = await lstat(path).catch(() => undefined);
    return info?.isFile() === true ? { path, size: info.size } : undefined;
  }

  /**
   * Writes `relative` with `write` into a new file beside it (never through a link: a `.part` left
   * there, even a planted link, is removed first), then renames it into place.
   */
  async write(relative: string, write: (file: FileHandle) => Promise<void>): Promise<void> {
    const path = this.pathOf(relative);
    if (path === undefined) throw new Error(`unsafe path ${JSON.stringify(relative)}`);
    if (!(await this.foldersAreReal(relative, true)))
      throw new DestinationRefused(`a folder on the way to ${path} is a link or a file`, 'remove it, or download into a new folder');
    const partial = `${path}.part`;
    await unlink(partial).catch(() => undefined);
    const file = await open(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      await write(file);
    } finally {
      await file.close();
    }
    await rename(partial, path);
  }

  /** Removes files that earlier downloads wrote here and that are no longer wanted; never anything else. */
  async clean(wanted: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const relative of this.previous) {
      if (wanted.has(relative)) continue;
      const found = await this.existing(relative);
      if (!found) continue;
      await rm(found.path);
      removed += 1;
    }
    return removed;
  }

  /** Records what this download holds: the files it wrote now, and those of earlier runs still present. */
  async record(collection: string, archive: string, written: ReadonlySet<string>): Promise<void> {
    const files = new Set(written);
    for (const relative of this.previous) if (!files.has(relative) && (await this.existing(relative))) files.add(relative);
    const record: DownloadRecord = { format: 'twarc-cloud/download@1', collection, archive, files: [...files].sort() };
    await this.write(DOWNLOAD_RECORD, async (file) => {
      await file.writeFile(`${JSON.stringify(record, null, 2)}\n`);
    });
  }

  /** True when every folder between the root and `relative` is a real folder; creates missing ones when asked. */
  private async foldersAreReal(relative: string, create: boolean): Promise<boolean> {
    const segments = relative.split('/').slice(0, -1);
    let path = this.root;
    for (const segment of segments) {
      path = `${path}${sep}${segment}`;
      const info = await lstat(path).catch(() => undefined);
      if (!info) {
        if (!create) return false;
        await mkdir(path);
      } else if (!info.isDirectory()) return false;
    }
    return true;
  }
}

async function readRecord(root: string): Promise<DownloadRecord | undefined> {
  const text = await readFile(join(root, DOWNLOAD_RECORD), { encoding: 'utf8', flag: constants.O_RDONLY | constants.O_NOFOLLOW }).catch(
    () => undefined,
  );
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<DownloadRecord>;
    if (value.format === 'twarc-cloud/download@1' && typeof value.collection === 'string' && Array.isArray(value.files))
      return value as DownloadRecord;
  } catch {
    // not ours: treated as no record, so the folder is checked like any other
  }
  return undefined;
}
