import { firstIdAt, tweetTime } from '../../platform/x-api/snowflake.js';
import type { ResumePoint } from './newest-first.js';

/** How far back X's recent search reaches. */
export const RECENT_SEARCH_REACH_MS = 7 * 24 * 3_600_000;
/** A resumed search starts this much inside the 7 days: X measures them when the request arrives, on its own clock. */
const REACH_MARGIN_MS = 10 * 60_000;

export interface SearchGap {
  readonly start: string;
  readonly end: string;
  readonly cause: string;
}

/** Where a search harvest starts and what bounds every request of it. */
export interface SearchPlan {
  /** The stored resume point, less what X will no longer serve. */
  readonly resume: ResumePoint;
  readonly startTime?: string;
  readonly endTime?: string;
  /** What the collection asked for that lies out of X's reach, if anything. */
  readonly gap?: SearchGap;
}

/**
 * Recent search serves only the last 7 days and answers 400 to a `since_id`, `until_id` or
 * `start_time` before them. A search resumed after longer than that continues from the oldest time X
 * still serves, and the stretch it can no longer reach is reported as a gap instead of failing
 * every harvest from then on.
 */
export function planSearch(input: {
  readonly recent: boolean;
  readonly now: number;
  readonly startTime?: string | undefined;
  readonly endTime?: string | undefined;
  readonly resume: ResumePoint;
}): SearchPlan {
  const { resume } = input;
  const times = {
    ...(input.startTime !== undefined ? { startTime: input.startTime } : {}),
    ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
  };
  if (!input.recent) return { resume, ...times };
  const oldest = Math.floor((input.now - RECENT_SEARCH_REACH_MS + REACH_MARGIN_MS) / 1000) * 1000;
  const lowerMs =
    resume.since_id !== undefined ? tweetTime(resume.since_id) : input.startTime !== undefined ? Date.parse(input.startTime) : undefined;
  const untilMs = resume.until_id !== undefined ? tweetTime(resume.until_id) : undefined;
  const lowerLost = lowerMs !== undefined && lowerMs < oldest;
  const passLost = untilMs !== undefined && untilMs < oldest;
  if (!lowerLost && !passLost) return { resume, ...times };
  const next: ResumePoint = { ...resume };
  delete next.since_id;
  if (passLost) {
    // What the unfinished pass had left lies wholly out of reach: a fresh pass from the oldest time served.
    delete next.until_id;
    delete next.pending_since_id;
  }
  const gapStart = lowerMs ?? (untilMs ?? oldest) - RECENT_SEARCH_REACH_MS;
  return {
    resume: next,
    startTime: secondsIso(oldest),
    ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
    gap: {
      start: secondsIso(gapStart),
      end: secondsIso(oldest),
      cause: 'recent search serves only the last 7 days and this search resumed later than that; a full-archive search can fetch the rest',
    },
  };
}

/**
 * The bounds of one request. X refuses ids and times together in one search request, so when a
 * page's id bounds (from paging) meet the collection's times, times become ids where the snowflake
 * scheme makes that exact; else ids become times to the second (a few tweets of that second fetched
 * twice, none lost); else, for pre-2010 ids and times, the lower time bound is dropped (older
 * tweets fetched, none lost).
 */
export function searchBounds(range: { readonly sinceId?: string; readonly untilId?: string }, plan: SearchPlan): Record<string, string> {
  let sinceId = range.sinceId !== undefined ? BigInt(range.sinceId) : undefined;
  let untilId = range.untilId !== undefined ? BigInt(range.untilId) : undefined;
  let start = sinceId === undefined && plan.startTime !== undefined ? Date.parse(plan.startTime) : undefined;
  let end = plan.endTime !== undefined ? Date.parse(plan.endTime) : undefined;
  const mixed = (): boolean => (sinceId !== undefined || untilId !== undefined) && (start !== undefined || end !== undefined);
  if (mixed()) {
    const startId = start !== undefined ? firstIdAt(start) : undefined;
    if (startId !== undefined) [sinceId, start] = [startId - 1n, undefined];
    const endId = end !== undefined ? firstIdAt(end) : undefined;
    if (endId !== undefined) [untilId, end] = [untilId === undefined || endId < untilId ? endId : untilId, undefined];
  }
  if (mixed()) {
    const sinceMs = sinceId !== undefined ? tweetTime(sinceId.toString()) : undefined;
    if (sinceMs !== undefined) [start, sinceId] = [Math.floor(sinceMs / 1000) * 1000, undefined];
    const untilMs = untilId !== undefined ? tweetTime(untilId.toString()) : undefined;
    if (untilMs !== undefined) {
      const untilEnd = Math.ceil((untilMs + 1) / 1000) * 1000;
      [end, untilId] = [end === undefined || untilEnd < end ? untilEnd : end, undefined];
    }
  }
  if (mixed()) start = undefined;
  if (mixed()) end = undefined;
  const bounds: Record<string, string> = {};
  if (sinceId !== undefined) bounds['since_id'] = sinceId.toString();
  if (untilId !== undefined) bounds['until_id'] = untilId.toString();
  if (start !== undefined) bounds['start_time'] = secondsIso(start);
  if (end !== undefined) bounds['end_time'] = secondsIso(Math.ceil(end / 1000) * 1000);
  return bounds;
}

/** A time as X's examples write it: UTC, to the second. */
function secondsIso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}
