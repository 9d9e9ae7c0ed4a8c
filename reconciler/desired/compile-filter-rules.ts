/*
 * Compiles the v1.1-style `track` and `follow` conveniences into X API v2 filtered-stream rules.
 *
 * - track: each entry is a phrase whose words must all occur (v1.1 semantics), so `global warming`
 *   becomes `(global warming)`; entries are OR-ed. A word with characters other than letters, digits,
 *   `#`, `@`, `$` and `_` is quoted so that v2 reads it as one exact token sequence.
 * - follow: each user id becomes `from:ID OR to:ID OR retweets_of:ID` (their tweets, replies to them,
 *   and retweets of them, as v1.1 follow delivered).
 * Clauses are packed, in order, into as few rules as the rule length limit allows; rules from `track`
 * are tagged `track`, rules from `follow` are tagged `follow`.
 */

export interface StreamRule {
  readonly value: string;
  readonly tag?: string;
}

export interface FilterSpec {
  readonly rules: readonly StreamRule[];
  readonly track: readonly string[];
  readonly follow: readonly string[];
}

export interface CompiledRules {
  readonly rules: StreamRule[];
  /** Clauses that do not fit a rule even alone, by their source list and index. */
  readonly oversized: Array<{ readonly field: 'track' | 'follow'; readonly index: number; readonly clause: string }>;
}

const SEPARATOR = ' OR ';

export function trackClause(phrase: string): string {
  const words = phrase
    .trim()
    .split(/\s+/)
    .map((word) => (/^[\p{L}\p{N}#@$_]+$/u.test(word) ? word : JSON.stringify(word)));
  return words.length === 1 ? (words[0] ?? '') : `(${words.join(' ')})`;
}

export function followClause(userId: string): string {
  return `from:${userId} OR to:${userId} OR retweets_of:${userId}`;
}

export function compileFilterRules(spec: FilterSpec, maxRuleLength: number): CompiledRules {
  const oversized: CompiledRules['oversized'] = [];
  const pack = (field: 'track' | 'follow', clauses: string[]): StreamRule[] => {
    const packed: StreamRule[] = [];
    let current = '';
    clauses.forEach((clause, index) => {
      if (clause.length > maxRuleLength) {
        oversized.push({ field, index, clause });
        return;
      }
      if (current && current.length + SEPARATOR.length + clause.length > maxRuleLength) {
        packed.push({ value: current, tag: field });
        current = '';
      }
      current = current ? current + SEPARATOR + clause : clause;
    });
    if (current) packed.push({ value: current, tag: field });
    return packed;
  };
  return {
    rules: [...spec.rules, ...pack('track', spec.track.map(trackClause)), ...pack('follow', spec.follow.map(followClause))],
    oversized,
  };
}
