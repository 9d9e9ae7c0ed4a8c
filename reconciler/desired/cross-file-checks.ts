import type { Problem } from '../problems.js';
import type { CollectionPositions, CollectionSummary } from './validate-file.js';

export interface CheckedCollection {
  readonly file: string;
  readonly collection: CollectionSummary;
  /** Looked up only when a problem is reported: it may mean reading the file again. */
  readonly positions: () => CollectionPositions;
}

/** Rules that span files: unique ids, and one stream connection per credentials profile. */
export function crossFileProblems(checked: readonly CheckedCollection[]): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map<string, CheckedCollection>();
  for (const entry of checked) {
    const first = byId.get(entry.collection.id);
    if (first) {
      const { idAt } = first.positions();
      const where = `${first.file}:${idAt.line}:${idAt.column}`;
      problems.push({
        file: entry.file,
        ...entry.positions().idAt,
        rule: 'id/duplicate',
        severity: 'error',
        message: `id "${entry.collection.id}" is already used by ${where}`,
      });
    } else {
      byId.set(entry.collection.id, entry);
    }
  }

  // X allows one filtered-stream connection per app, so two running streams on one profile would
  // knock each other off in a reconnect loop.
  const byProfile = new Map<string, CheckedCollection[]>();
  for (const entry of checked) {
    if (entry.collection.type !== 'filter' || entry.collection.state !== 'active') continue;
    byProfile.set(entry.collection.credentials, [...(byProfile.get(entry.collection.credentials) ?? []), entry]);
  }
  for (const [profile, entries] of byProfile) {
    if (entries.length < 2) continue;
    for (const entry of entries) {
      const others = entries
        .filter((e) => e !== entry)
        .map((e) => e.file)
        .join(', ');
      problems.push({
        file: entry.file,
        ...entry.positions().credentialsAt,
        rule: 'filter/shared-credentials',
        severity: 'error',
        message: `active filter collections ${entry.file} and ${others} both use credentials "${profile}"; X allows one stream connection per app, so give each its own profile or suspend one`,
      });
    }
  }
  return problems;
}
