/*
 * A collection's harvests written straight into a local archive, for exports and reports at
 * sizes no test harvest reaches: search-style twarc2 pages of real-shaped tweets (the fake
 * corpus's: full expansions, entities, annotations, edit controls, referenced tweets, emoji and
 * newlines), rotated into files and harvests as the harvester does. Each harvest after the first
 * begins with the previous harvest's last page again, as overlapping searches do, so exports meet
 * duplicates.
 */

import { gzipSync } from 'node:zlib';
import { collectionKeys, harvestId } from '../../platform/archive/keys.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { pageLine, twarcMetadata } from '../../harvester/output/twarc-line.js';
import { Corpus } from '../../simulator/x-api/corpus.js';
import { seededRandom } from '../generators/collection-files.js';

export interface TweetArchiveOptions {
  readonly tweets: number;
  readonly harvests: number;
  readonly tweetsPerPage?: number;
  readonly pagesPerFile?: number;
  readonly users?: number;
  readonly seed?: number;
}

export interface WrittenArchive {
  /** Distinct tweet ids written (duplicates across harvests counted once). */
  readonly uniqueTweets: number;
  readonly lines: number;
  readonly files: readonly string[];
  readonly bytes: number;
}

export async function writeTweetArchive(store: ArchiveStore, collectionId: string, options: TweetArchiveOptions): Promise<WrittenArchive> {
  const corpus = new Corpus({ users: options.users ?? 5_000, tweetsPerUser: () => 0, seed: options.seed ?? 7 });
  const random = seededRandom((options.seed ?? 7) + 1);
  const perPage = options.tweetsPerPage ?? 100;
  const pagesPerFile = options.pagesPerFile ?? 100;
  const pages = Math.ceil(options.tweets / perPage);
  const pagesPerHarvest = Math.ceil(pages / options.harvests);
  const files: string[] = [];
  let bytes = 0;
  let lines = 0;
  let written = 0;
  let previousLast: string | undefined;
  const started = Date.parse('2026-11-01T00:00:00Z');
  for (let h = 0; h < options.harvests && written < options.tweets; h += 1) {
    const at = new Date(started + h * 3_600_000);
    const keys = collectionKeys(collectionId).harvest(harvestId(at));
    let buffer: string[] = previousLast !== undefined ? [previousLast] : [];
    let sequence = 0;
    const flush = async (): Promise<void> => {
      if (buffer.length === 0) return;
      sequence += 1;
      const body = gzipSync(buffer.join(''), { level: 6 });
      const key = keys.tweets(at, sequence);
      await store.put(key, body);
      files.push(key);
      bytes += body.length;
      lines += buffer.length;
      buffer = [];
    };
    for (let p = 0; p < pagesPerHarvest && written < options.tweets; p += 1) {
      const count = Math.min(perPage, options.tweets - written);
      const line = searchPage(corpus, random, count, new Date(at.getTime() + p * 1000));
      written += count;
      buffer.push(line);
      if (buffer.length >= pagesPerFile) await flush();
      previousLast = line;
    }
    await flush();
  }
  return { uniqueTweets: written, lines, files, bytes };
}

function searchPage(corpus: Corpus, random: () => number, count: number, retrievedAt: Date): string {
  const data: Array<Record<string, unknown>> = [];
  const includes = new Map<string, Map<string, unknown>>();
  for (let i = 0; i < count; i += 1) {
    const author = corpus.users[Math.floor(random() * corpus.users.length)];
    if (!author) throw new Error('the corpus has no users');
    const tweet = corpus.liveTweet(author.id);
    data.push(tweet.json);
    for (const [kind, objects] of Object.entries(tweet.includes)) {
      const known = includes.get(kind) ?? new Map<string, unknown>();
      for (const object of objects as Array<{ id?: string; media_key?: string }>) known.set(object.id ?? object.media_key ?? '', object);
      includes.set(kind, known);
    }
  }
  data.reverse(); // newest first, as searches answer
  const body = {
    data,
    includes: Object.fromEntries([...includes].map(([kind, objects]) => [kind, [...objects.values()]])),
    meta: { newest_id: data[0]?.['id'], oldest_id: data.at(-1)?.['id'], result_count: data.length },
  };
  return `${pageLine(body, twarcMetadata('https://api.x.com/2/tweets/search/recent?query=climate', retrievedAt))}\n`;
}
