import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { ArchiveObjectInvalid, readObject, writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { tempProject } from '../helpers/temp-project.js';

const harvest: ArchiveObjects['harvest'] = {
  format: 'twarc-cloud/harvest@1',
  collection: 'climate',
  harvest_id: '20261129T130501Z',
  type: 'search',
  started_at: '2026-11-29T13:05:01.000Z',
  ended_at: '2026-11-29T13:07:00.000Z',
  outcome: 'completed',
  tweets: 250,
  bytes: 1024,
  files: [{ name: 'tweets-20261129T130501Z-0001.jsonl.gz', tweets: 250, bytes: 1024, sha1: 'a'.repeat(40) }],
  requests: { '/2/tweets/search/recent': 3 },
  rate_limit_waits: { count: 0, seconds: 0 },
  reconnects: 0,
  errors: [],
};

describe('archive objects', () => {
  it('writes and reads back a valid object with its version', async () => {
    const store = new LocalArchiveStore(tempProject());
    const { etag } = await writeObject(store, 'collections/climate/harvests/2026/11/29/13/05/01/harvest.json', 'harvest', harvest);
    const read = await readObject(store, 'collections/climate/harvests/2026/11/29/13/05/01/harvest.json', 'harvest');
    assert.deepEqual(read, { value: harvest, etag });
  });

  it('refuses to write an object its schema refuses, because that would be a bug', async () => {
    const store = new LocalArchiveStore(tempProject());
    const broken = { ...harvest, outcome: 'fine' } as unknown as ArchiveObjects['harvest'];
    await assert.rejects(
      writeObject(store, 'h.json', 'harvest', broken),
      /refusing to write an invalid harvest to h\.json: \/outcome must be one of/,
    );
    assert.equal(await store.get('h.json'), undefined);
  });

  it('refuses to act on a damaged or unknown object, naming it and how to recover', async () => {
    const store = new LocalArchiveStore(tempProject());
    await store.put('collections/c/state.json', '{"format":"twarc-cloud/state@2","collection":"c"}');
    await assert.rejects(readObject(store, 'collections/c/state.json', 'state'), (error: unknown) => {
      assert.ok(error instanceof ArchiveObjectInvalid);
      assert.match(
        error.message,
        /collections\/c\/state\.json is not a valid state\.json: it has format "twarc-cloud\/state@2", and this version of twarc-cloud reads "twarc-cloud\/state@1"$/,
      );
      assert.match(error.hint ?? '', /restore it/);
      return true;
    });
    await store.put('collections/c/harvest.json', JSON.stringify({ ...harvest, tweets: -1 }));
    await assert.rejects(
      readObject(store, 'collections/c/harvest.json', 'harvest'),
      /is not a valid harvest\.json: \/tweets must be at least 0$/,
    );
    await store.put('collections/c/lock.json', '{"truncated":');
    await assert.rejects(readObject(store, 'collections/c/lock.json', 'lock'), /is not a valid lock\.json: not JSON/);
  });

  it('keeps secrets out of collection.json: only known fields are accepted', async () => {
    const store = new LocalArchiveStore(tempProject());
    const config = {
      format: 'twarc-cloud/collection-config@1',
      id: 'c',
      type: 'search',
      state: 'active',
      credentials: 'default',
      output: { tweets_per_file: 10, rotate_minutes: 5 },
      labels: {},
      query: 'x',
      archive: false,
      rendered_at: '2026-11-29T13:05:01.000Z',
      changeset: '20261129T130501.000Z-abc',
      bearer_token: 'AAAA-secret',
    } as unknown as ArchiveObjects['collection-config'];
    await assert.rejects(writeObject(store, 'collections/c/collection.json', 'collection-config', config), /unknown field `bearer_token`/);
  });
});
