import { pagesOf, tweetFiles } from '../../platform/archive/harvest-files.js';
import type { HarvestContext } from '../harvest-context.js';

export interface StoredPost {
  readonly id?: string;
  readonly conversation_id?: string;
  readonly public_metrics?: { readonly reply_count?: number; readonly quote_count?: number };
}

/**
 * The ids of the posts another collection stored that `wanted` keeps, newest first: where a kind
 * that snowballs (conversation, quotes) finds what to read. A source with nothing stored yet is
 * logged, not an error: both may have been applied together.
 */
export async function storedPostIds(
  context: HarvestContext,
  collectionId: string,
  wanted: (post: StoredPost) => boolean,
): Promise<string[]> {
  const ids = new Set<string>();
  const files = await tweetFiles(context.store, collectionId);
  if (files.length === 0) context.log.warn('the collection to snowball from has stored no posts yet', { from: collectionId });
  for (const file of files)
    for await (const page of pagesOf(context.store, file.key)) {
      const data = page['data'];
      for (const post of (Array.isArray(data) ? data : [data]) as Array<StoredPost | undefined>)
        if (post?.id !== undefined && wanted(post)) ids.add(post.id);
    }
  return [...ids].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));
}
