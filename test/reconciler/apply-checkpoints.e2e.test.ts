/*
 * An apply's cost grows with its collections, not with their square: the index is written at
 * checkpoints and at the end, and a new collection's collection.json is written without reading it
 * first. An apply that stops between a collection's write and the next index checkpoint leaves
 * nothing the next apply cannot finish.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyPlan, ApplyInterrupted } from '../../reconciler/apply/apply.js';
import { INDEX_CHECKPOINT } from '../../reconciler/apply/index-book.js';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { applyPlanned, countingStore, planLocally, searchCollectionsProject } from '../helpers/apply-fixtures.js';

const COLLECTIONS = 250;

async function applyOnce(root: string, store: ArchiveStore): Promise<{ planned: number }> {
  const result = await planLocally(root, store);
  await applyPlanned(result);
  return { planned: result.plan.actions.length };
}

describe('applying many new collections', { timeout: 120_000 }, () => {
  it('writes the index at checkpoints and each collection.json without reading it first', async () => {
    const root = searchCollectionsProject(COLLECTIONS);
    const { store, requests } = countingStore(new LocalArchiveStore(join(root, 'archive')));
    const before = requests.length;
    assert.equal((await applyOnce(root, store)).planned, COLLECTIONS);
    const applied = requests.slice(before);
    const indexWrites = applied.filter(([method, key]) => method === 'put' && key === COLLECTIONS_INDEX_KEY).length;
    assert.ok(indexWrites <= Math.ceil(COLLECTIONS / INDEX_CHECKPOINT.collections) + 2, `${indexWrites} index writes`);
    const configReads = applied.filter(([method, key]) => method === 'get' && key.endsWith('/collection.json')).length;
    assert.equal(configReads, 0, 'no collection.json is read for a collection the index does not list');
    const index = (await readObject(store, COLLECTIONS_INDEX_KEY, 'collections-index'))?.value;
    assert.equal(Object.keys(index?.collections ?? {}).length, COLLECTIONS);
    assert.equal((await applyOnce(root, store)).planned, 0, 'the next plan finds nothing to do');
  });

  it('that stops before its index is written leaves collection.json files the next apply takes over', async () => {
    const root = searchCollectionsProject(COLLECTIONS);
    const { store, failIndexWrites } = countingStore(new LocalArchiveStore(join(root, 'archive')));
    failIndexWrites.on = true;
    await assert.rejects(applyOnce(root, store), /the archive stopped answering/);
    assert.ok((await readObject(store, collectionKeys('s0').config, 'collection-config')) !== undefined, 'collection.json was written');
    assert.equal(await readObject(store, COLLECTIONS_INDEX_KEY, 'collections-index'), undefined, 'the index was not');
    failIndexWrites.on = false;
    assert.equal((await applyOnce(root, store)).planned, COLLECTIONS);
    assert.equal((await applyOnce(root, store)).planned, 0, 'converged');
    const config = (await readObject(store, collectionKeys('s7').config, 'collection-config'))?.value;
    assert.equal(config?.query, 'climate 7');
  });

  it('that is interrupted says how many collections it recorded, counting those in flight when it stopped', async () => {
    const root = searchCollectionsProject(COLLECTIONS);
    const inner = new LocalArchiveStore(join(root, 'archive'));
    const interrupt = new AbortController();
    let changesets = 0;
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property !== 'put' || typeof value !== 'function') return value;
        return async (key: string, ...rest: unknown[]) => {
          const written: unknown = await (value as (...args: unknown[]) => Promise<unknown>).call(target, key, ...rest);
          if (key.includes('/changesets/') && ++changesets === 10) interrupt.abort();
          return written;
        };
      },
    });
    const result = await planLocally(root, store);
    const error = await applyPlan(result.plan, result.index, {
      target: result.target,
      provenance: { actor: 'test' },
      report: () => undefined,
      signal: interrupt.signal,
    }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof ApplyInterrupted, String(error));
    assert.match(error.message, new RegExp(`apply interrupted after ${changesets} of ${COLLECTIONS} collections were recorded`));
    assert.ok(changesets >= 10);
  });
});
