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

/** Where a group learns who its members are, read again at every sync. */
export interface MemberSource {
  /** The members as they are now, by id; `known` is every collection whose rules the group may delete when unwanted. */
  read(): Promise<{ readonly members: ReadonlyMap<string, GroupMember>; readonly known: ReadonlySet<string> }>;
}

/** A profile's whole group follows the collections index. */
export class GroupMembers implements MemberSource {
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

/**
 * A group of one (`harvest <filter-id>`): its member is what the collection's own collection.json
 * says, whether or not the index lists it, and the only rules it may delete are that collection's.
 * The config's etag stands for its hash: a new one means the collection was edited.
 */
export class OneCollection implements MemberSource {
  constructor(
    private readonly store: ArchiveStore,
    private readonly profile: string,
    private readonly collectionId: string,
  ) {}

  async read(): Promise<{ readonly members: ReadonlyMap<string, GroupMember>; readonly known: ReadonlySet<string> }> {
    const found = await readObject(this.store, collectionKeys(this.collectionId).config, 'collection-config');
    const members = new Map<string, GroupMember>();
    const config = found?.value;
    if (config?.type === 'filter' && config.state === 'active' && config.credentials === this.profile)
      members.set(this.collectionId, { config, hash: found?.etag ?? '' });
    return { members, known: new Set([this.collectionId]) };
  }
}
