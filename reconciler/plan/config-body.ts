import type { ArchiveObjects } from '../../platform/archive/objects.js';

export type CollectionConfig = ArchiveObjects['collection-config'];

/** The part of collection.json that git decides: everything but the format, the state and the apply's stamps. */
export type ConfigBody = Omit<CollectionConfig, 'format' | 'state' | 'rendered_at' | 'changeset' | 'removed_at'>;
