import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { tempProject } from '../helpers/temp-project.js';
import { archiveLockContract } from './archive-lock.contract.js';
import { archiveStoreContract } from './archive-store.contract.js';

archiveStoreContract('local directory', () => new LocalArchiveStore(tempProject()));

describe('local archive store', () => {
  it('never shows a half-written object to a reader', async () => {
    const store = new LocalArchiveStore(tempProject());
    const versions = Array.from({ length: 6 }, (_, i) => String(i).repeat(512 * 1024));
    const valid = new Set(versions.map((v) => createHash('md5').update(v).digest('hex')));
    await store.put('k/big.json', versions[0] ?? '');
    const writer = { done: false };
    const writing = (async () => {
      for (let round = 0; round < 5; round++) for (const version of versions) await store.put('k/big.json', version);
      writer.done = true;
    })();
    let reads = 0;
    while (!writer.done) {
      const read = await store.get('k/big.json');
      assert.ok(read, 'the object vanished during a replace');
      assert.ok(valid.has(createHash('md5').update(read.body).digest('hex')), 'read a torn write');
      reads++;
    }
    await writing;
    assert.ok(reads > 0);
  });

  it('leaves no temporary or guard files behind', async () => {
    const root = tempProject();
    const store = new LocalArchiveStore(root);
    const { etag } = await store.put('k/state.json', 'v1', { ifNoneMatch: '*' });
    await store.put('k/state.json', 'v2', { ifMatch: etag });
    await assert.rejects(store.put('k/state.json', 'v3', { ifNoneMatch: '*' }));
    assert.deepEqual(readdirSync(`${root}/k`), ['state.json']);
  });
});

archiveLockContract('local directory', () => new LocalArchiveStore(tempProject()));
