import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { validateCollectionFile, type FileContext, type FileEntry, type FileResult } from './validate-file.js';

/** Below this many files per thread, starting a worker costs more than it saves. */
const FILES_PER_THREAD_MIN = 100;
/** Files handed out at a time: small enough that no thread idles long at the end. */
const BATCH = 50;

/**
 * Validates files independently of each other, on every core when there are enough of them: YAML
 * parsing dominates and is CPU-bound. The main thread takes batches too (its modules are loaded and
 * its schema compiled already); each worker is kept one batch ahead so it never waits for the next.
 * Results come back in the order of `files`.
 */
export async function validateFiles(files: readonly FileEntry[], context: FileContext): Promise<FileResult[]> {
  const threads = Math.min(availableParallelism(), Math.floor(files.length / FILES_PER_THREAD_MIN));
  if (threads < 2) return files.map((entry) => validateCollectionFile(entry, context));

  const results = new Array<FileResult>(files.length);
  let next = 0;
  const take = (): Batch | undefined => {
    if (next >= files.length) return undefined;
    const batch = { start: next, files: files.slice(next, next + BATCH) };
    next += BATCH;
    return batch;
  };
  const store = (start: number, batch: readonly FileResult[]): void => {
    batch.forEach((result, i) => (results[start + i] = result));
  };
  const workers = Array.from({ length: threads - 1 }, () => runWorker(context, take, store));
  for (let batch = take(); batch; batch = take()) {
    store(
      batch.start,
      batch.files.map((entry) => validateCollectionFile(entry, context)),
    );
    await nextTurn(); // let workers' results in, and hand them their next batch
  }
  await Promise.all(workers);
  return results;
}

interface Batch {
  readonly start: number;
  readonly files: readonly FileEntry[];
}

function runWorker(
  context: FileContext,
  take: () => Batch | undefined,
  store: (start: number, results: readonly FileResult[]) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./validation-worker.js', import.meta.url), { workerData: context });
    const pending: Batch[] = [];
    const send = (): void => {
      const batch = take();
      if (!batch) return;
      pending.push(batch);
      worker.postMessage(batch.files);
    };
    send();
    send();
    worker.on('message', (batchResults: FileResult[]) => {
      const done = pending.shift();
      if (done) store(done.start, batchResults);
      send();
      if (pending.length === 0) {
        void worker.terminate().then(() => {
          resolve();
        });
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (pending.length > 0) reject(new Error(`validation worker exited with code ${code} before finishing its files`));
    });
  });
}
