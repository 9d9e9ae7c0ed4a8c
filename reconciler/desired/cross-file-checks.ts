import type { Problem } from '../problems.js';
import type { YamlSource } from '../validation/yaml-source.js';
import type { Collection } from './collection.js';

export interface LoadedCollection {
  readonly source: YamlSource;
  readonly collection: Collection;
}

/** Rules that span files: unique ids, and one stream connection per credentials profile. */
export function crossFileProblems(loaded: readonly LoadedCollection[]): Problem[] {
  const problems: Problem[] = [];
  const at = (entry: LoadedCollection, pointer: string, part: 'key' | 'value' = 'value') => ({
    file: entry.source.file,
    ...entry.source.positionOf(pointer, part),
  });
  const where = (entry: LoadedCollection, pointer: string): string => {
    const { file, line, column } = at(entry, pointer);
    return `${file}:${line}:${column}`;
  };

  const byId = new Map<string, LoadedCollection>();
  for (const entry of loaded) {
    const first = byId.get(entry.collection.id);
    if (first) {
      problems.push({ ...at(entry, '/id'), rule: 'id/duplicate', severity: 'error', message: `id "${entry.collection.id}" is already used by ${where(first, '/id')}` });
    } else {
      byId.set(entry.collection.id, entry);
    }
  }

  // X allows one filtered-stream connection per app, so two running streams on one profile would
  // knock each other off in a reconnect loop.
  const streams = loaded.filter((e) => e.collection.type === 'filter' && e.collection.state === 'active');
  const byProfile = new Map<string, LoadedCollection[]>();
  for (const entry of streams) {
    byProfile.set(entry.collection.credentials, [...(byProfile.get(entry.collection.credentials) ?? []), entry]);
  }
  for (const [profile, entries] of byProfile) {
    if (entries.length < 2) continue;
    for (const entry of entries) {
      const pointer = entry.source.nodeAt('/credentials') ? '/credentials' : '/type';
      const others = entries.filter((e) => e !== entry).map((e) => e.source.file).join(', ');
      problems.push({
        ...at(entry, pointer),
        rule: 'filter/shared-credentials',
        severity: 'error',
        message: `active filter collections ${entry.source.file} and ${others} both use credentials "${profile}"; X allows one stream connection per app, so give each its own profile or suspend one`,
      });
    }
  }
  return problems;
}
