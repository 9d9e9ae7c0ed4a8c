/*
 * An apply's cost grows with its collections, not with their square: the index is written at
 * checkpoints and at the end, and a new collection's collection.json is written without reading it
 * first. An apply that stops between a collection's write and the next index checkpoint leaves
 * nothing the next apply cannot finish.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyPlan } from '../../reconciler/apply/apply.js';
import { INDEX_CHECKPOINT } from '../../reconciler/apply/index-book.js';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { reconcile } from '../../reconciler/reconcile.js';
import { loadSettings } from '../../reconciler/settings/settings.js';
import { LocalTarget } from '../../reconciler/targets/local/local-target.js';
import { tempProject } from '../helpers/temp-project.js';

const COLLECTIONS = 250;

/** The archive as the apply sees it, with every request counted, and index writes made to fail on demand. */
function countingStore(inner: ArchiveStore): { store: ArchiveStore; requests: Array<[string, string]>; failIndexWrites: { on: boolean } } {
  const requests: Array<[string, string]> = [];
  const failIndexWrites = { on: false };
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const key = typeof args[0] === 'string' ? args[0] : '';
        requests.push([String(property), key]);
        if (property === 'put' && key === COLLECTIONS_INDEX_KEY && failIndexWrites.on) throw new Error('the archive stopped answering');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, requests, failIndexWrites };
}

function project(): string {
  const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
  mkdirSync(join(root, 'collections'), { recursive: true });
  for (let i = 0; i < COLLECTIONS; i += 1)
    writeFileSync(join(root, 'collections', `s${i}.yaml`), `id: s${i}\ntype: search\nquery: climate ${i}\nschedule: rate(1 day)\n`);
  return root;
}

async function applyOnce(root: string, store: ArchiveStore): Promise<{ planned: number }> {
  const { settings } = loadSettings(root, root);
  const target = new LocalTarget(store, { actor: 'test', stopWaitMs: 1000, report: () => undefined });
  const result = await reconcile(settings, {
    targetName: 'local',
    allowMassStop: false,
    env: { HOME: root },
    report: () => undefined,
    target,
  });
  await applyPlan(result.plan, result.index, { target, provenance: result.provenance, report: () => undefined });
  return { planned: result.plan.actions.length };
}

describe('applying many new collections', { timeout: 120_000 }, () => {
  it('writes the index at checkpoints and each collection.json without reading it first', async () => {
    const root = project();
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
    const root = project();
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
});
