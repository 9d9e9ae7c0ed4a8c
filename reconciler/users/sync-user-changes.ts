import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse } from 'yaml';
import { collectionKeys, harvestIdOfKey } from '../../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { listAll, type ArchiveStore } from '../../platform/archive/store.js';
import { ACCOUNT_KINDS, type CollectionType } from '../desired/kinds.js';
import { applyUserChanges, type UserChangeEdit } from './user-change-edits.js';

export interface FileEdits {
  readonly file: string;
  readonly edits: readonly UserChangeEdit[];
}

/**
 * Brings each timeline collection file up to date with what its harvests learned about its accounts
 * (user_changes.json of every harvest, the newest change per account winning): new screen names,
 * and accounts removed where `delete_users_for` says so. The file is the record of what was applied,
 * so a change already in it changes nothing, and one an earlier harvest saw is never missed because
 * a later harvest saw nothing new. Returns what changed; files without changes are not touched.
 */
export async function syncUserChanges(store: ArchiveStore, collectionsDir: string): Promise<FileEdits[]> {
  const changed: FileEdits[] = [];
  for (const name of (await readdir(collectionsDir)).sort()) {
    if (extname(name) !== '.yaml' && extname(name) !== '.yml') continue;
    const path = join(collectionsDir, name);
    const text = await readFile(path, 'utf8');
    const document = parse(text) as { type?: unknown; delete_users_for?: unknown } | null;
    if (typeof document?.type !== 'string' || !ACCOUNT_KINDS.includes(document.type as CollectionType)) continue;
    const id = basename(name, extname(name));
    const changes = await newestChangePerAccount(store, id);
    if (changes.length === 0) continue;
    const deleteFor = Array.isArray(document.delete_users_for)
      ? document.delete_users_for.filter((c): c is string => typeof c === 'string')
      : [];
    const result = applyUserChanges(text, changes, deleteFor);
    if (result.edits.length === 0) continue;
    await writeFile(path, result.text);
    changed.push({ file: path, edits: result.edits });
  }
  return changed;
}

type UserChange = ArchiveObjects['user-changes']['changes'][number];

/** Every harvest's user changes of a collection, oldest harvest first, reduced to the newest per account. */
async function newestChangePerAccount(store: ArchiveStore, collectionId: string): Promise<UserChange[]> {
  const keys = collectionKeys(collectionId);
  const harvests: string[] = [];
  for await (const object of listAll(store, keys.harvestsPrefix)) {
    if (!object.key.endsWith('/user_changes.json')) continue;
    const harvestId = harvestIdOfKey(object.key);
    if (harvestId !== undefined) harvests.push(harvestId);
  }
  const newest = new Map<string, UserChange>();
  for (const harvestId of harvests.sort()) {
    const changes = await readObject(store, keys.harvest(harvestId).userChanges, 'user-changes');
    for (const change of changes?.value.changes ?? []) newest.set(change.user_id, change);
  }
  return [...newest.values()];
}
