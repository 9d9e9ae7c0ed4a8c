import type { ArchiveObjects } from '../platform/archive/objects.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import type { LiveStreamGroup, PlannedAction, Runtime, RuntimeStep, StreamGroupAction } from './plan/model.js';
import { runtimeFor } from './plan/plan.js';

export type IndexEntry = ArchiveObjects['collections-index']['collections'][string];

/** What `twarc-cloud run` asks of a target: harvest one collection now, outside its schedule. */
export interface HarvestNowOptions {
  /** The environment the harvest runs with (credentials are read from it locally). */
  readonly env: NodeJS.ProcessEnv;
  /** The X API to talk to, where the harvest runs here (a test's fake X API). */
  readonly apiBaseUrl: string;
  /** Aborted with a signal name as its reason: the harvest is to stop gracefully (Ctrl-C, SIGTERM). */
  readonly stop: AbortSignal;
  readonly say: (line: string) => void;
  /** Where the harvest runs here: its log lines come here instead of going to standard error (a terminal's progress). */
  readonly logLine?: (line: string) => void;
}

/**
 * Where collections run: the port the reconciler plans and applies against. Its adapters live in
 * targets/, and the CLI opens one and passes it down; nothing in reconciler/ names one. Every
 * target has an archive (configs, changesets, index: written by apply itself); a target owns only
 * the runtime resources that run harvests: schedules and long-running filter harvests.
 */
export interface Target {
  /** The name the CLI knows it by (`--target`). */
  readonly name: string;
  readonly store: ArchiveStore;
  /** The harvester release that new streams get (AWS: the base task definition); none locally. */
  readonly release?: string;
  /**
   * True where apply starts a new schedule's first harvest itself (AWS: a task at once, as the
   * original did); locally `up` runs a collection that was never harvested as soon as it starts.
   */
  readonly startsFirstHarvest: boolean;
  /**
   * The runtime resources of the collections, by id: as the index records them, or, with
   * `refresh`, as the target lists them (drift, and resources to adopt).
   */
  readRuntime(index: Readonly<Record<string, IndexEntry>>, options?: { readonly refresh?: boolean }): Promise<Map<string, Runtime>>;
  /**
   * Harvests one collection now. Where the harvest runs here, this resolves with its exit code once
   * it has stored what it has; where it runs elsewhere, once it has started, with 0, having said
   * how to follow it.
   */
  harvestNow(id: string, options: HarvestNowOptions): Promise<number>;
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
