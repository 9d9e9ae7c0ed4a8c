import type { ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { PlannedAction, Runtime, RuntimeStep } from '../plan/model.js';

export type IndexEntry = ArchiveObjects['collections-index']['collections'][string];

/**
 * Where collections run: the port the reconciler plans and applies against. Both targets share
 * the archive (configs, changesets, index: written by apply itself); a target owns only the
 * runtime resources that run harvests: schedules and long-running filter harvests.
 */
export interface Target {
  readonly name: 'local' | 'aws';
  readonly store: ArchiveStore;
  /** The runtime resources of every collection the index knows, by id. */
  readRuntime(index: Readonly<Record<string, IndexEntry>>): Promise<Map<string, Runtime>>;
  /** Carries out one runtime step of an action. */
  runStep(step: RuntimeStep, action: PlannedAction): Promise<void>;
}
