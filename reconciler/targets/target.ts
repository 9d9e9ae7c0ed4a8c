import type { ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { LiveStreamGroup, PlannedAction, Runtime, RuntimeStep, StreamGroupAction } from '../plan/model.js';
import { runtimeFor } from '../plan/plan.js';

export type IndexEntry = ArchiveObjects['collections-index']['collections'][string];

/**
 * Where collections run: the port the reconciler plans and applies against. Both targets share
 * the archive (configs, changesets, index: written by apply itself); a target owns only the
 * runtime resources that run harvests: schedules and long-running filter harvests.
 */
export interface Target {
  readonly name: 'local' | 'aws';
  readonly store: ArchiveStore;
  /** The harvester release that new streams get (AWS: the base task definition); none locally. */
  readonly release?: string;
  /**
   * True where apply starts a new schedule's first harvest itself (AWS: a task at once, as the
   * original did); locally `up` runs a collection that was never harvested as soon as it starts.
   */
  readonly startsFirstHarvest: boolean;
  /**
   * True where each credentials profile's filter collections share one stream group (local: one
   * `harvest-group` child of `up`); AWS still runs a stream service per filter collection.
   */
  readonly groupsStreams: boolean;
  /**
   * The runtime resources of the collections, by id: as the index records them, or, with
   * `refresh`, as the target lists them (drift, and resources to adopt).
   */
  readRuntime(index: Readonly<Record<string, IndexEntry>>, options?: { readonly refresh?: boolean }): Promise<Map<string, Runtime>>;
  /** Carries out one runtime step of an action; `signal` cuts its waits short (the apply was interrupted). */
  runStep(step: RuntimeStep, action: PlannedAction, signal?: AbortSignal): Promise<void>;
  /**
   * Starts, rolls or stops a stream group's own resource, where the target has one (AWS: its ECS
   * service); locally `up` runs the groups the index asks for, and there is nothing to do.
   */
  runStreamGroupStep?(action: StreamGroupAction, signal?: AbortSignal): Promise<void>;
  /** With `refresh`, the stream groups whose resource the target finds running; otherwise undefined (plan goes by the index). */
  readStreamGroups?(
    index: Readonly<Record<string, IndexEntry>>,
    options?: { readonly refresh?: boolean },
  ): Promise<ReadonlyMap<string, LiveStreamGroup> | undefined>;
}

/** The runtime that apply left for each indexed collection: what its recorded config asks for. */
export function recordedRuntime(index: Readonly<Record<string, IndexEntry>>): Map<string, Runtime> {
  const runtime = new Map<string, Runtime>();
  for (const [id, entry] of Object.entries(index)) runtime.set(id, runtimeFor(entry));
  return runtime;
}
