import type { Problem } from '../problems.js';
import type { CollectionPositions, CollectionSummary } from './validate-file.js';

export interface CheckedCollection {
  readonly file: string;
  readonly collection: CollectionSummary;
  /** Looked up only when a problem is reported: it may mean reading the file again. */
  readonly positions: () => CollectionPositions;
}

export interface CrossFileOptions {
  /** Rules an app may hold at the deployment's access level. */
  readonly ruleCount: number;
}

/** Rules that span files: unique ids, and what the filter collections sharing a profile's one stream connection may ask for. */
export function crossFileProblems(checked: readonly CheckedCollection[], options: CrossFileOptions): Problem[] {
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

  const byProfile = new Map<string, CheckedCollection[]>();
  for (const entry of [...checked].sort((a, b) => (a.collection.id < b.collection.id ? -1 : a.collection.id > b.collection.id ? 1 : 0))) {
    if (entry.collection.type !== 'filter' || entry.collection.state !== 'active') continue;
    byProfile.set(entry.collection.credentials, [...(byProfile.get(entry.collection.credentials) ?? []), entry]);
  }
  for (const [profile, entries] of byProfile) problems.push(...groupRuleProblems(profile, entries, options.ruleCount));
  return problems;
}

/**
 * A stream group's collections share the app's rules (X counts rules per app, one rule per value),
 * so the access level's rule count holds across them: the rule that would cross it is reported.
 */
function groupRuleProblems(profile: string, entries: readonly CheckedCollection[], limit: number): Problem[] {
  const values = new Set<string>();
  for (const entry of entries) {
    for (const [index, value] of entry.collection.rules.entries()) {
      if (values.has(value)) continue;
      values.add(value);
      if (values.size <= limit) continue;
      const total = new Set(entries.flatMap((e) => e.collection.rules)).size;
      return [
        {
          file: entry.file,
          ...(entry.positions().rulesAt[index] ?? entry.positions().compiledAt),
          rule: 'filter/group-rule-count',
          severity: 'error',
          message: `the active filter collections of credentials "${profile}" share one stream, and with this rule they need ${total} rules; the access level allows ${limit} per app`,
        },
      ];
    }
  }
  return [];
}
