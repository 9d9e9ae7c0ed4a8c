import type { Page } from '../../platform/x-api/client.js';
import { writePage, type HarvestContext } from '../harvest-context.js';
import type { ResumePoint } from './newest-first.js';

/**
 * Pages an endpoint that lists posts newest first but takes no since_id (a post's quotes, a list's
 * posts) down to the newest post stored before: each page's posts newer than that are stored,
 * and the pass ends at the first page that reaches it. Without gaps across crashes, as
 * newest-first.ts keeps them: a pass checkpoints the newest post it met (pending_since_id) and
 * the oldest it stored (until_id); a pass after an interrupted one stores what is newer than the
 * first's newest and what lies below its oldest, skipping what it stored already.
 */
export async function collectNewestDownTo(
  context: HarvestContext,
  start: Readonly<ResumePoint>,
  source: { fetch(token: string | undefined): Promise<Page>; resumePoint(): ResumePoint },
): Promise<'done' | 'stopped'> {
  const since = start.since_id !== undefined ? BigInt(start.since_id) : undefined;
  const stored =
    start.pending_since_id !== undefined && start.until_id !== undefined
      ? { from: BigInt(start.until_id), to: BigInt(start.pending_since_id) }
      : undefined;
  const wanted = (id: bigint): boolean =>
    (since === undefined || id > since) && (stored === undefined || id < stored.from || id > stored.to);
  let newest = start.pending_since_id;
  let token: string | undefined;
  for (;;) {
    if (context.stop.stopping) return 'stopped';
    const page = await source.fetch(token);
    const data = (page.body['data'] ?? []) as Array<{ id: string }>;
    const kept = data.filter((post) => wanted(BigInt(post.id)));
    const first = data[0]?.id;
    if (first !== undefined && (newest === undefined || BigInt(first) > BigInt(newest))) newest = first;
    const passNewest = newest;
    const oldest = kept.at(-1)?.id;
    if (kept.length > 0)
      await writePage(context, { ...page, body: { ...page.body, data: kept } }, kept.length, () => {
        const point = source.resumePoint();
        if (passNewest !== undefined) point.pending_since_id = passNewest;
        if (oldest !== undefined && (point.until_id === undefined || BigInt(oldest) < BigInt(point.until_id))) point.until_id = oldest;
      });
    token = (page.body['meta'] as { next_token?: string } | undefined)?.next_token;
    const reachedStored = since !== undefined && data.some((post) => BigInt(post.id) <= since);
    if (token === undefined || reachedStored) break;
  }
  const done = newest;
  context.files.checkpoint(() => {
    const point = source.resumePoint();
    if (done !== undefined) point.since_id = done;
    delete point.pending_since_id;
    delete point.until_id;
  });
  return 'done';
}
