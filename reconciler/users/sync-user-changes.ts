import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse } from 'yaml';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { applyUserChanges, type UserChangeEdit } from './user-change-edits.js';

export interface FileEdits {
  readonly file: string;
  readonly edits: readonly UserChangeEdit[];
}

/**
 * Brings each timeline collection file up to date with its newest harvest's user_changes.json:
 * new screen names, and accounts removed where `delete_users_for` says so. Returns what changed;
 * files without changes are not touched.
 */
export async function syncUserChanges(store: ArchiveStore, collectionsDir: string): Promise<FileEdits[]> {
  const changed: FileEdits[] = [];
  for (const name of (await readdir(collectionsDir)).sort()) {
    if (extname(name) !== '.yaml' && extname(name) !== '.yml') continue;
    const path = join(collectionsDir, name);
    const text = await readFile(path, 'utf8');
    const document = parse(text) as { type?: unknown; delete_users_for?: unknown } | null;
    if (document?.type !== 'user_timeline') continue;
    const id = basename(name, extname(name));
    const last = await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest');
    if (!last) continue;
    const changes = await readObject(store, collectionKeys(id).harvest(last.value.harvest_id).userChanges, 'user-changes');
    if (!changes) continue;
    const deleteFor = Array.isArray(document.delete_users_for)
      ? document.delete_users_for.filter((c): c is string => typeof c === 'string')
      : [];
    const result = applyUserChanges(text, changes.value.changes, deleteFor);
    if (result.edits.length === 0) continue;
    await writeFile(path, result.text);
    changed.push({ file: path, edits: result.edits });
  }
  return changed;
}
