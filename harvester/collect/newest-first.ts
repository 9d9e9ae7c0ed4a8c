import type { Page } from '../../platform/x-api/client.js';
import { writePage, type HarvestContext } from '../harvest-context.js';

/** Where paging stands, as state.json keeps it for one timeline or one search. */
export interface ResumePoint {
  since_id?: string;
  until_id?: string;
  pending_since_id?: string;
}

export interface NewestFirstSource {
  /** One page: newer than `sinceId`, older than `untilId`, or the page `token` points at. */
  fetch(range: { sinceId?: string; untilId?: string; token?: string }): Promise<Page>;
  /** The resume point in the state draft, created if missing; checkpoints write into it. */
  resumePoint(): ResumePoint;
  /** Called after each stored page with the tweets written so far; true ends the harvest here. */
  enough?(written: number): boolean;
}

export type PagingEnd = 'done' | 'stopped' | 'enough' | 'unavailable';

/** A range as the query parameters of an endpoint paged by `pagination_token` (the timelines). */
export function timelineRange(range: { sinceId?: string; untilId?: string; token?: string }): Record<string, string> {
  return {
    ...(range.sinceId !== undefined ? { since_id: range.sinceId } : {}),
    ...(range.token !== undefined ? { pagination_token: range.token } : {}),
    ...(range.untilId !== undefined ? { until_id: range.untilId } : {}),
  };
}

/**
 * Pages an endpoint that returns tweets newest first (timelines, searches) from the last stored
 * tweet to now, without gaps across crashes: with each stored page, the oldest tweet stored
 * (until_id) and the newest of the pass (pending_since_id) are checkpointed; since_id moves to
 * the pass's newest tweet only when the pass reaches its end. A harvest that finds an unfinished
 * pass finishes it below until_id, then makes a fresh pass for what is newer: the result is as if
 * the interruption had not happened.
 */
export async function collectNewestFirst(
  context: HarvestContext,
  start: Readonly<ResumePoint>,
  source: NewestFirstSource,
): Promise<PagingEnd> {
  let pass: Readonly<ResumePoint> = start;
  let written = 0;
  for (;;) {
    const resumed = pass.until_id !== undefined;
    const end = await onePass(
      context,
      pass,
      source,
      () => written,
      (n) => (written += n),
    );
    if (end.kind !== 'done' || !resumed) return end.kind;
    pass = end.newest !== undefined ? { since_id: end.newest } : pass.since_id !== undefined ? { since_id: pass.since_id } : {};
  }
}

async function onePass(
  context: HarvestContext,
  pass: Readonly<ResumePoint>,
  source: NewestFirstSource,
  written: () => number,
  add: (n: number) => void,
): Promise<{ kind: PagingEnd; newest?: string }> {
  let pending = pass.pending_since_id;
  let token: string | undefined;
  for (;;) {
    if (context.stop.stopping) return { kind: 'stopped' };
    const page = await source.fetch({
      ...(pass.since_id !== undefined ? { sinceId: pass.since_id } : {}),
      ...(token !== undefined ? { token } : pass.until_id !== undefined ? { untilId: pass.until_id } : {}),
    });
    const data = page.body['data'] as unknown[] | undefined;
    const meta = (page.body['meta'] ?? {}) as { newest_id?: string; oldest_id?: string; next_token?: string };
    if (!data || data.length === 0) {
      // A body of errors alone (no meta): the timeline is not readable (protected, suspended, gone).
      if (page.body['meta'] === undefined && page.body['errors'] !== undefined) return { kind: 'unavailable' };
      // X may answer an empty page that still carries a next_token (a stretch with no match): the
      // results go on after it. Ending the pass here would move since_id past everything below.
      token = meta.next_token;
      if (token !== undefined) continue;
      break;
    }
    pending ??= meta.newest_id;
    const newest = pending;
    const oldest = meta.oldest_id;
    await writePage(context, page, data.length, () => {
      const point = source.resumePoint();
      if (newest !== undefined) point.pending_since_id = newest;
      if (oldest !== undefined) point.until_id = oldest;
    });
    add(data.length);
    token = meta.next_token;
    if (token === undefined) break;
    if (source.enough?.(written()) === true) return { kind: 'enough' };
  }
  const newest = pending;
  context.files.checkpoint(() => {
    const point = source.resumePoint();
    if (newest !== undefined) point.since_id = newest;
    delete point.pending_since_id;
    delete point.until_id;
  });
  return newest !== undefined ? { kind: 'done', newest } : { kind: 'done' };
}
