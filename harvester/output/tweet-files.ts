import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import { PostIdList } from '../../platform/archive/post-ids.js';
import type { ArchiveStore } from '../../platform/archive/store.js';

/** A state change that may be saved only once the data it describes is stored. */
export type Checkpoint = () => void;

export interface StoredFile {
  readonly name: string;
  readonly tweets: number;
  readonly bytes: number;
  readonly sha1: string;
}

export interface TweetFilesOptions {
  readonly store: ArchiveStore;
  /** The archive key of the file opened at `openedAt` as the harvest's `sequence`th. */
  readonly fileKey: (openedAt: Date, sequence: number) => string;
  readonly tweetsPerFile: number;
  readonly rotateMs: number;
  /** A local directory for the file being written; it goes to the archive when rotated. */
  readonly spoolDir: string;
  /** Called, in order, after each file is stored (file undefined: checkpoints with no data pending). */
  readonly onStored: (file: StoredFile | undefined, checkpoints: readonly Checkpoint[]) => Promise<void>;
  readonly now?: () => Date;
}

interface OpenFile {
  readonly name: string;
  readonly key: string;
  readonly path: string;
  readonly openedAt: number;
  readonly gzip: Gzip;
  readonly out: WriteStream;
  readonly hash: Hash;
  bytes: number;
  tweets: number;
  readonly checkpoints: Checkpoint[];
  /** The posts' ids, which count once the file is stored. */
  readonly ids: PostIdList;
  lastReplaceable: boolean;
  readonly pending: Buffer[];
  pendingLength: number;
}

/** Bytes gathered before one write to the compressor. */
const BATCH_BYTES = 256 * 1024;
const NEWLINE = Buffer.from('\n');

const NO_OPTIONS: AppendOptions = {};

/**
 * Resolves when the compressor can take more: on 'drain', or when it finished because its file
 * was rotated meanwhile (a rotated file never drains, and a writer waiting for it would hang).
 */
function room(gzip: Gzip): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      gzip.off('drain', done).off('finish', done).off('close', done).off('error', done);
      resolve();
    };
    gzip.on('drain', done).on('finish', done).on('close', done).on('error', done);
  });
}

/**
 * The gzipped JSONL tweet files of one harvest: lines are appended to a local gzip file, which is
 * rotated after `tweetsPerFile` tweets (pages are never split) or `rotateMs`, whichever comes
 * first, then uploaded. Checkpoints ride with the file that holds their data and are handed to
 * `onStored` only after that file is in the archive: state never runs ahead of stored data.
 * Uploads run one at a time, in order, while appending continues into the next file.
 */
/** How long checkpoints with no data pending wait for a file to ride with before they are saved alone. */
export const LOOSE_CHECKPOINT_MS = 60_000;

export interface AppendOptions {
  /** The checkpoint sums up the one before it, which it replaces (a stream's running count). */
  readonly replacesPrevious?: boolean;
  /** The ids of the line's posts: a stream message's one, or a page's. */
  readonly ids?: string | readonly unknown[];
}

export class TweetFiles {
  readonly stored: StoredFile[] = [];
  /** The ids of the posts in the stored files, in the order they were written. */
  readonly storedIds = new PostIdList();
  private current: OpenFile | undefined;
  private sequence = 0;
  private queue: Promise<void> = Promise.resolve();
  /**
   * Checkpoints with no data pending, not yet handed on: they ride with the next file opened, or
   * are saved on their own after LOOSE_CHECKPOINT_MS or when the files close; so that a burst (a
   * timeline harvest's hundred user lookups) costs no state write of its own. Losing them to a
   * crash loses no data: they describe none, and the work they record is done again.
   */
  private parked: Checkpoint[] = [];
  private parkedTimer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => Date;

  constructor(private readonly options: TweetFilesOptions) {
    this.now = options.now ?? (() => new Date());
    mkdirSync(options.spoolDir, { recursive: true, mode: 0o700 });
    this.timer = setInterval(
      () => {
        if (this.current && Date.now() - this.current.openedAt >= options.rotateMs) void this.rotate().catch(() => undefined);
      },
      Math.min(1000, options.rotateMs),
    );
    this.timer.unref();
  }

  /** Tweets written so far, stored or not. */
  get tweets(): number {
    return this.stored.reduce((sum, f) => sum + f.tweets, 0) + (this.current?.tweets ?? 0);
  }

  /**
   * Appends one line holding `tweets` tweets (a string, or Buffers that make it up together). Returns a promise only when the caller should wait
   * before writing more (the compressor is behind); the common path allocates nothing.
   */
  append(
    line: string | readonly Buffer[],
    tweets: number,
    checkpoint?: Checkpoint,
    options: AppendOptions = NO_OPTIONS,
  ): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    const file = this.current ?? this.open();
    file.tweets += tweets;
    if (typeof options.ids === 'string') file.ids.add(options.ids);
    else if (options.ids) for (const id of options.ids) file.ids.add(id);
    if (checkpoint) {
      // A checkpoint that sums up everything before it (a stream's running count) makes the
      // previous one of its kind redundant: keep one per file, not one per message.
      if (options.replacesPrevious === true && file.lastReplaceable) file.checkpoints[file.checkpoints.length - 1] = checkpoint;
      else file.checkpoints.push(checkpoint);
      file.lastReplaceable = options.replacesPrevious === true;
    }
    // Lines are batched into larger writes: each write to zlib is a separate job on the thread
    // pool, and one per stream message costs several times the compression itself. A line as
    // large as a batch (a page of 100 tweets) goes to zlib as it is, after what is pending: copying
    // it into a batch would only make one more large buffer for the collector per page.
    let more = true;
    if (typeof line === 'string' && line.length >= BATCH_BYTES) {
      more = this.flush(file);
      more = file.gzip.write(line) && more;
    } else if (typeof line === 'string') {
      const bytes = Buffer.from(line);
      file.pending.push(bytes);
      file.pendingLength += bytes.length;
    } else {
      for (const part of line) {
        file.pending.push(part);
        file.pendingLength += part.length;
      }
    }
    file.pending.push(NEWLINE);
    file.pendingLength += 1;
    if (file.pendingLength >= BATCH_BYTES) more = this.flush(file) && more;
    if (file.tweets >= this.options.tweetsPerFile) void this.rotate().catch(() => undefined);
    return more ? undefined : room(file.gzip);
  }

  /** Saves `checkpoint` with the data written before it: with the open file, else with the next one (see `parked`). */
  checkpoint(checkpoint: Checkpoint): void {
    if (this.current) {
      this.current.checkpoints.push(checkpoint);
      this.current.lastReplaceable = false;
      return;
    }
    this.parked.push(checkpoint);
    this.parkedTimer ??= setTimeout(() => {
      this.saveParked();
    }, LOOSE_CHECKPOINT_MS).unref();
  }

  /** Closes the open file, if it holds anything, and stores it; with no file open, saves the parked checkpoints. */
  rotate(): Promise<void> {
    const file = this.current;
    this.current = undefined;
    if (file) this.enqueue(() => this.store(file));
    else this.saveParked();
    return this.settled();
  }

  /** Stores everything written; the harvest's files are complete when this resolves. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.rotate();
    await rm(this.options.spoolDir, { recursive: true, force: true });
  }

  /** Every stored file as `<sha1>  <name>` lines, the format of sha1sum. */
  manifest(): string {
    return this.stored.map((f) => `${f.sha1}  ${f.name}\n`).join('');
  }

  private open(): OpenFile {
    this.sequence += 1;
    const key = this.options.fileKey(this.now(), this.sequence);
    const name = basename(key);
    const path = join(this.options.spoolDir, name);
    const gzip = createGzip({ level: 6, chunkSize: 128 * 1024 });
    const out = createWriteStream(path);
    const hash = createHash('sha1');
    const file: OpenFile = {
      name,
      key,
      path,
      openedAt: Date.now(),
      gzip,
      out,
      hash,
      bytes: 0,
      tweets: 0,
      checkpoints: this.takeParked(),
      ids: new PostIdList(),
      lastReplaceable: false,
      pending: [],
      pendingLength: 0,
    };
    gzip.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      file.bytes += chunk.length;
    });
    gzip.pipe(out);
    out.on('error', (error) => (this.failure ??= error));
    this.current = file;
    return file;
  }

  private flush(file: OpenFile): boolean {
    if (file.pending.length === 0) return true;
    const bytes = Buffer.concat(file.pending, file.pendingLength);
    file.pending.length = 0;
    file.pendingLength = 0;
    return file.gzip.write(bytes);
  }

  private async store(file: OpenFile): Promise<void> {
    const finished = once(file.out, 'close');
    this.flush(file);
    file.gzip.end();
    await finished;
    if (file.tweets === 0) {
      await rm(file.path, { force: true });
      if (file.checkpoints.length > 0) await this.options.onStored(undefined, file.checkpoints);
      return;
    }
    await this.options.store.uploadFile(file.key, file.path, { contentType: 'application/gzip' });
    await rm(file.path, { force: true });
    const stored: StoredFile = { name: file.name, tweets: file.tweets, bytes: file.bytes, sha1: file.hash.digest('hex') };
    this.stored.push(stored);
    this.storedIds.addAll(file.ids);
    await this.options.onStored(stored, file.checkpoints);
  }

  private takeParked(): Checkpoint[] {
    clearTimeout(this.parkedTimer);
    this.parkedTimer = undefined;
    const parked = this.parked;
    this.parked = [];
    return parked;
  }

  /** Behind whatever is being stored: a checkpoint never runs ahead of data written before it. */
  private saveParked(): void {
    const batch = this.takeParked();
    if (batch.length > 0) this.enqueue(() => this.options.onStored(undefined, batch));
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await task();
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    });
  }

  private async settled(): Promise<void> {
    await this.queue;
    if (this.failure) throw this.failure;
  }
}
