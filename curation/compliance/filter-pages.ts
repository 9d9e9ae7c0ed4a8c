/*
 * Leaves out of twarc2 pages what a compliance run marks: tweets that were deleted (or whose
 * account was), and every tweet and profile of a suspended, protected or deactivated account,
 * whether in `data` or in `includes`. A page left with no tweets is left out whole.
 */

import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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

/** The same, over a stream of JSON lines; lines that are not pages pass as they are. */
export function compliantLines(marks: ComplianceMarks, counts: LeftOutCounts): Transform {
  let carry = '';
  const decoder = new StringDecoder('utf8');
  const emit = (stream: Transform, line: string): void => {
    if (line === '') return;
    let page: unknown;
    try {
      page = JSON.parse(line);
    } catch {
      stream.push(`${line}\n`);
      return;
    }
    if (typeof page !== 'object' || page === null) return void stream.push(`${line}\n`);
    const kept = compliantPage(page as Record<string, unknown>, marks, counts);
    if (kept) stream.push(`${kept === page ? line : JSON.stringify(kept)}\n`);
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const lines = (carry + decoder.write(chunk)).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) emit(this, line);
      callback();
    },
    flush(callback: TransformCallback) {
      for (const line of (carry + decoder.end()).split('\n')) emit(this, line);
      callback();
    },
  });
}
