/*
 * What the apply tests and bench:apply share: a project of many scheduled search collections, an
 * archive store that counts (and on demand refuses) what is asked of it, and a plan and apply on
 * the local target in this process.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTIONS_INDEX_KEY } from '../../platform/archive/keys.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { applyPlan } from '../../reconciler/apply/apply.js';
import { reconcile, type Reconciliation } from '../../reconciler/reconcile.js';
import { loadSettings } from '../../reconciler/settings/settings.js';
import { LocalTarget } from '../../targets/local/local-target.js';
import { tempProject } from './temp-project.js';
import { EVERY_TARGETS_NAME_RULES } from '../../targets/targets.js';

/** A git repository with `count` scheduled search collections (s0, s1, ...) and the given twarc-cloud.yaml. */
export function searchCollectionsProject(count: number, settings = 'deployment: test\nlocal:\n  archive: ./archive\n'): string {
  const root = tempProject({ 'twarc-cloud.yaml': settings });
  mkdirSync(join(root, 'collections'), { recursive: true });
  for (let i = 0; i < count; i += 1)
    writeFileSync(join(root, 'collections', `s${i}.yaml`), `id: s${i}\ntype: search\nquery: climate ${i}\nschedule: rate(1 day)\n`);
  execFileSync('git', ['-C', root, 'init', '-q']);
  return root;
}

export interface CountingStore {
  readonly store: ArchiveStore;
  /** Every request, in order: the method called and the key it named. */
  readonly requests: Array<[method: string, key: string]>;
  /** While on, every write of the collections index fails as an archive that stopped answering. */
  readonly failIndexWrites: { on: boolean };
}

export function countingStore(inner: ArchiveStore): CountingStore {
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

/** Plans the project at `root` against the local target on `store`, in this process. */
export async function planLocally(root: string, store: ArchiveStore): Promise<Reconciliation> {
  const { settings } = loadSettings(root, root);
  const target = new LocalTarget(store, { actor: 'test', stopWaitMs: 1000, report: () => undefined });
  return reconcile(settings, { target, nameRules: EVERY_TARGETS_NAME_RULES, allowMassStop: false, env: { HOME: root } });
}

/** Carries out what planLocally planned. */
export async function applyPlanned(result: Reconciliation): Promise<void> {
  await applyPlan(result.plan, result.index, { target: result.target, provenance: result.provenance, report: () => undefined });
}
