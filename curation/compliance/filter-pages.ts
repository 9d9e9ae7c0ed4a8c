/*
 * Leaves out of twarc2 pages what a compliance run marks: tweets that were deleted (or whose
 * account was), and every tweet and profile of a suspended, protected or deactivated account,
 * whether in `data` or in `includes`. A page left with no tweets is left out whole.
 */

import { lineBuffers } from '../../platform/archive/harvest-files.js';
import { leftOutBecause, type ComplianceMarks } from './latest-compliance.js';

/** Tweets left out, by why ("tweet deleted", "author suspended", ...). */
export type LeftOutCounts = Map<string, number>;

export function compliantPage(
  page: Record<string, unknown>,
  marks: ComplianceMarks,
  counts: LeftOutCounts,
): Record<string, unknown> | undefined {
  const data = page['data'];
  if (!Array.isArray(data)) return page;
  const kept = data.filter((tweet: Record<string, unknown>) => {
    const why = leftOutBecause(marks, tweet);
    if (why !== undefined) counts.set(why, (counts.get(why) ?? 0) + 1);
    return why === undefined;
  });
  if (kept.length === 0 && data.length > 0) return undefined;
  const includes = page['includes'] as { tweets?: unknown; users?: unknown } | undefined;
  if (!includes) return { ...page, data: kept };
  const compliantIncludes: Record<string, unknown> = { ...includes };
  if (Array.isArray(includes.tweets))
    compliantIncludes['tweets'] = includes.tweets.filter((t: Record<string, unknown>) => leftOutBecause(marks, t) === undefined);
  if (Array.isArray(includes.users))
    compliantIncludes['users'] = includes.users.filter((u: { id?: unknown }) => typeof u.id !== 'string' || !marks.users.has(u.id));
  return { ...page, data: kept, includes: compliantIncludes };
}

/** The same, over a stream of JSON lines (for a pipeline); lines that are not pages pass as they are. */
export function compliantLines(marks: ComplianceMarks, counts: LeftOutCounts): (lines: AsyncIterable<Buffer>) => AsyncGenerator<string> {
  return async function* (chunks) {
    for await (const bytes of lineBuffers(chunks)) {
      if (bytes.length === 0) continue;
      const line = bytes.toString('utf8');
      let page: unknown;
      try {
        page = JSON.parse(line);
      } catch {
        yield `${line}\n`;
        continue;
      }
      if (typeof page !== 'object' || page === null) {
        yield `${line}\n`;
        continue;
      }
      const kept = compliantPage(page as Record<string, unknown>, marks, counts);
      if (kept) yield `${kept === page ? line : JSON.stringify(kept)}\n`;
    }
  };
}
