/*
 * When a filter collection is complete: it has a max_records, and its state counts that many
 * stored tweets across all its harvests. The one rule both sides use: the harvester, which then
 * neither streams nor writes another harvest, and the reconciler, which plans the stream's end.
 */

import { collectionKeys } from './keys.js';
import { readObject, type ArchiveObjects } from './objects.js';
import type { ArchiveStore } from './store.js';

type Limited = { readonly type: string; readonly max_records?: number };

export function isStreamComplete(config: Limited, state: ArchiveObjects['state'] | undefined): boolean {
  return config.type === 'filter' && config.max_records !== undefined && (state?.stream?.tweets ?? 0) >= config.max_records;
}

/** Reads the collection's state only when the rule can hold. */
export async function streamComplete(store: ArchiveStore, id: string, config: Limited): Promise<boolean> {
  if (config.type !== 'filter' || config.max_records === undefined) return false;
  return isStreamComplete(config, (await readObject(store, collectionKeys(id).state, 'state'))?.value);
}
