import { parentPort, workerData } from 'node:worker_threads';
import { validateCollectionFile, type FileContext, type FileEntry, type FileResult } from './validate-file.js';

/** Worker thread entry: validates each batch of files it is sent and posts the results back. */
const context = workerData as FileContext;
parentPort?.on('message', (files: readonly FileEntry[]) => {
  const results: FileResult[] = files.map((entry) => validateCollectionFile(entry, context));
  parentPort?.postMessage(results);
});
