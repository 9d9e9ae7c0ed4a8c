/*
 * Who belongs to a stream group: the collections the reconciler's index lists as active filter
 * collections of the group's credentials profile. A config is read again only when its hash in
 * the index changes, so that following the index costs one read per sync.
 */

import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { CollectionConfig } from '../harvest-context.js';

export interface GroupMember {
  readonly config: CollectionConfig;
  readonly hash: string;
}

export class GroupMembers {
  private readonly configs = new Map<string, GroupMember>();

  constructor(
    private readonly store: ArchiveStore,
    readonly profile: string,
  ) {}

  /** The group's members as the index says now, by id; `known` is every collection id the index lists (any state). */
  async read(): Promise<{ readonly members: ReadonlyMap<string, GroupMember>; readonly known: ReadonlySet<string> }> {
    const index = await readObject(this.store, COLLECTIONS_INDEX_KEY, 'collections-index');
    const entries = Object.entries(index?.value.collections ?? {});
    const members = new Map<string, GroupMember>();
    for (const [id, entry] of entries) {
      // An index written before stream groups names none: the config says whose the collection is.
      if (entry.type !== 'filter' || entry.state !== 'active' || entry.complete === true) continue;
      if (entry.stream_group !== undefined && entry.stream_group !== this.profile) continue;
      const cached = this.configs.get(id);
      if (cached?.hash === entry.hash) {
        members.set(id, cached);
        continue;
      }
      const config = await readObject(this.store, collectionKeys(id).config, 'collection-config');
      // Written by an apply still running, or not this profile's after all: the next sync looks again.
      if (config?.value.state !== 'active' || config.value.credentials !== this.profile) continue;
      const member = { config: config.value, hash: entry.hash };
      this.configs.set(id, member);
      members.set(id, member);
    }
    for (const id of this.configs.keys()) if (!members.has(id)) this.configs.delete(id);
    return { members, known: new Set(entries.map(([id]) => id)) };
  }
}
