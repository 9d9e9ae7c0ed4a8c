/*
 * A small chart of what every collection harvested lately, for the job summaries of the apply and
 * drift workflows: a Mermaid bar chart (GitHub renders Mermaid in job summaries) and a table, from
 * the records of the harvests that started in the last days (their keys carry their dates, so
 * only those days are listed).
 */

import { collectionKeys, COLLECTIONS_INDEX_KEY } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { listAll, type ArchiveStore } from '../../platform/archive/store.js';
import { forEachConcurrently } from '../../platform/async.js';

export interface RecentVolume {
  readonly id: string;
  readonly tweets: number;
  readonly harvests: number;
  readonly failed: number;
}

/** Collections shown in the chart; the table lists every one. */
const CHART_BARS = 25;

export async function recentVolumes(store: ArchiveStore, now: Date, days: number): Promise<RecentVolume[]> {
  const index = (await readObject(store, COLLECTIONS_INDEX_KEY, 'collections-index'))?.value.collections ?? {};
  const ids = Object.entries(index)
    .filter(([, entry]) => entry.state !== 'removed')
    .map(([id]) => id);
  const volumes: RecentVolume[] = [];
  await forEachConcurrently(ids, 8, async (id) => {
    let tweets = 0;
    let harvests = 0;
    let failed = 0;
    for (let day = days - 1; day >= 0; day -= 1) {
      const date = new Date(now.getTime() - day * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '/');
      for await (const object of listAll(store, `${collectionKeys(id).harvestsPrefix}${date}/`)) {
        if (!object.key.endsWith('/harvest.json')) continue;
        const record = (await readObject(store, object.key, 'harvest'))?.value;
        if (!record) continue;
        harvests += 1;
        tweets += record.tweets;
        if (record.outcome === 'failed') failed += 1;
      }
    }
    volumes.push({ id, tweets, harvests, failed });
  });
  return volumes.sort((a, b) => b.tweets - a.tweets || a.id.localeCompare(b.id));
}

export function volumeSummaryMarkdown(volumes: readonly RecentVolume[], days: number): string {
  const lines = [`### Tweets harvested in the last ${days} days`, ''];
  if (volumes.length === 0) return `${lines.join('\n')}No collections yet.\n`;
  const shown = volumes.slice(0, CHART_BARS);
  lines.push(
    '```mermaid',
    'xychart-beta',
    `  x-axis [${shown.map((v) => `"${v.id}"`).join(', ')}]`,
    '  y-axis "tweets"',
    `  bar [${shown.map((v) => v.tweets).join(', ')}]`,
    '```',
    '',
  );
  if (volumes.length > shown.length) lines.push(`The chart shows the ${shown.length} largest of ${volumes.length} collections.`, '');
  lines.push('| collection | tweets | harvests | failed |', '| --- | ---: | ---: | ---: |');
  for (const v of volumes) lines.push(`| ${v.id} | ${v.tweets} | ${v.harvests} | ${v.failed} |`);
  return `${lines.join('\n')}\n`;
}
