import { UserError } from '../platform/errors.js';
import { collectionKeys } from '../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../platform/archive/objects.js';
import type { ArchiveStore } from '../platform/archive/store.js';

export type CollectionConfig = ArchiveObjects['collection-config'];

/** The collection's applied config, or a message saying the archive has no such collection. */
export async function requireCollection(store: ArchiveStore, collectionId: string): Promise<CollectionConfig> {
  const config = (await readObject(store, collectionKeys(collectionId).config, 'collection-config'))?.value;
  if (!config) throw new UserError(`no collection ${collectionId} in ${store.location}`, 'check the id (twarc-cloud list)');
  return config;
}
