import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { collectionKeys, harvestIdOfKey, harvestStartOf } from '../platform/archive/keys.js';
import type { Takeover } from '../platform/archive/objects.js';
import { readObject, writeObject } from '../platform/archive/objects.js';
import { listAll, type ArchiveStore } from '../platform/archive/store.js';
import type { CollectionConfig } from './harvest-context.js';
import type { JsonLog } from './log.js';

/**
 * Closes the record of a harvest that died holding the lock (its lock was taken over): its
 * stored tweet files get their manifest and a harvest.json with outcome "failed", so that every
 * harvest folder is complete and readable. Its unstored data is gone; its state checkpoints
 * were never ahead of what it stored, so the new harvest refetches from there.
 */
export async function finalizeInterrupted(
  store: ArchiveStore,
  config: CollectionConfig,
  takeover: Takeover,
  by: string,
  log: JsonLog,
): Promise<void> {
  const keys = collectionKeys(config.id).harvest(takeover.harvest_id);
  const record = await readObject(store, keys.summary, 'harvest');
  if (record && record.value.outcome !== 'running') return;
  const files: Array<{ name: string; tweets: number; bytes: number; sha1: string }> = [];
  for await (const object of listAll(store, keys.prefix)) {
    const name = basename(object.key);
    if (harvestIdOfKey(object.key) !== takeover.harvest_id || !/^tweets-.*\.jsonl\.gz$/.test(name)) continue;
    const body = await store.download(object.key);
    if (!body) continue;
    const hash = createHash('sha1');
    let bytes = 0;
    for await (const chunk of body) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    files.push({ name, tweets: 0, bytes, sha1: hash.digest('hex') });
  }
  await store.put(keys.manifest, files.map((f) => `${f.sha1}  ${f.name}\n`).join(''), { contentType: 'text/plain' });
  await writeObject(store, keys.summary, 'harvest', {
    format: 'twarc-cloud/harvest@1',
    collection: config.id,
    harvest_id: takeover.harvest_id,
    type: config.type,
    started_at: record?.value.started_at ?? harvestStartOf(takeover.harvest_id),
    ended_at: takeover.heartbeat_at,
    outcome: 'failed',
    stop_reason: `interrupted: its process stopped without finishing (last heartbeat ${takeover.heartbeat_at}); closed by harvest ${by}. Tweet counts per file are unknown (0).`,
    tweets: 0,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    files,
    requests: {},
    rate_limit_waits: { count: 0, seconds: 0 },
    reconnects: 0,
    errors: [],
  });
  log.warn('closed the record of an interrupted harvest', { interrupted_harvest: takeover.harvest_id, files: files.length });
}
