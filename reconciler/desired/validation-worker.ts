import { parentPort, workerData } from 'node:worker_threads';
import { validateCollectionFile, type FileContext, type FileResult } from './validate-file.js';

/** Worker thread entry: validates each batch of files it is sent and posts the results back. */
const context = workerData as FileContext;
parentPort?.on('message', (files: ReadonlyArray<readonly [path: string, file: string]>) => {
  const results: FileResult[] = files.map(([path, file]) => validateCollectionFile(path, file, context));
  parentPort?.postMessage(results);
});
