import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { validateCollectionFile, type FileContext, type FileResult } from './validate-file.js';

/** Below this many files, starting workers costs more than it saves. */
const FILES_PER_WORKER_MIN = 100;
/** Files handed to a worker at a time: small enough that no worker idles long at the end. */
const BATCH = 50;

/**
 * Validates files independently of each other, on worker threads when there are enough of them:
 * YAML parsing dominates and is CPU-bound, so a repository of thousands of collections is checked
 * on every core. Results come back in the order of `files`.
 */
export async function validateFiles(files: ReadonlyArray<readonly [path: string, file: string]>, context: FileContext): Promise<FileResult[]> {
  const workers = Math.min(availableParallelism(), Math.floor(files.length / FILES_PER_WORKER_MIN));
  if (workers < 2) return files.map(([path, file]) => validateCollectionFile(path, file, context));
  const results: FileResult[] = new Array<FileResult>(files.length);
  let next = 0;
  // Each worker asks for the next batch when done with one, so a slow start evens out.
  await Promise.all(
    Array.from({ length: workers }, () =>
      runWorker(context, () => {
        const start = next;
        next += BATCH;
        return start < files.length ? { start, files: files.slice(start, start + BATCH) } : undefined;
      }, (start, batch) => {
        batch.forEach((result, i) => (results[start + i] = result));
      }),
    ),
  );
  return results;
}

interface Batch {
  readonly start: number;
  readonly files: ReadonlyArray<readonly [string, string]>;
}

function runWorker(
  context: FileContext,
  take: () => Batch | undefined,
  store: (start: number, results: FileResult[]) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./validation-worker.js', import.meta.url), { workerData: context });
    let current = take();
    worker.on('message', (results: FileResult[]) => {
      if (current) store(current.start, results);
      current = take();
      if (current) worker.postMessage(current.files);
      else void worker.terminate().then(() => { resolve(); });
    });
    worker.once('online', () => {
      if (current) worker.postMessage(current.files);
      else void worker.terminate().then(() => { resolve(); });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (current) reject(new Error(`validation worker exited with code ${code} before finishing its files`));
    });
  });
}
