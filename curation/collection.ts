import { UserError } from '../platform/errors.js';
import { collectionKeys } from '../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../platform/archive/objects.js';
import { listAll, type ArchiveStore } from '../platform/archive/store.js';

export type CollectionConfig = ArchiveObjects['collection-config'];

/** The collection's applied config, or a message saying the archive has no such collection. */
export async function requireCollection(store: ArchiveStore, collectionId: string): Promise<CollectionConfig> {
  const config = (await readObject(store, collectionKeys(collectionId).config, 'collection-config'))?.value;
  if (!config) throw new UserError(`no collection ${collectionId} in ${store.location}`, 'check the id (twarc-cloud list)');
  return config;
}

/**
 * Refuses an id the archive holds nothing under: without it, a mistyped id got an empty output
 * folder. A collection without its collection.json (a damaged archive) may still be taken out.
 */
export async function requireAnythingStored(store: ArchiveStore, collectionId: string): Promise<void> {
  const first = await listAll(store, collectionKeys(collectionId).prefix).next();
  if (first.done !== true) return;
  await requireCollection(store, collectionId);
}
