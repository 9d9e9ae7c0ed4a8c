import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { collectionKeys } from '../../platform/archive/keys.js';
import { childHarvestSpawn, harvestProcessArgs } from '../../platform/harvester-launch.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { stopAndReport } from '../../reconciler/stop/stop-harvest.js';
import type { PlannedAction, Runtime, RuntimeStep } from '../../reconciler/plan/model.js';
import { requireLocalArchive } from './local-archive.js';
import { recordedRuntime, type HarvestNowOptions, type IndexEntry, type Target } from '../../reconciler/target.js';

/**
 * The embedded default target: collections run on this machine under `twarc-cloud up`, which
 * follows the archive's configs (its scheduler fires schedules, its supervisor keeps filter
 * harvests running). So the runtime is what the applied configs say, and apply's only runtime
 * work here is stopping running harvests gracefully; `up` picks up every other change itself.
 */
export class LocalTarget implements Target {
  readonly name = 'local';
  /** `up` starts a never-harvested scheduled collection at once; apply does not. */
  readonly startsFirstHarvest = false;

  constructor(
    readonly store: ArchiveStore,
    private readonly options: { readonly actor: string; readonly stopWaitMs: number; readonly report: (line: string) => void },
  ) {}

  /**
   * What apply recorded. `up` runs every filter collection in its profile's stream group; an index
   * written before stream groups does not say which, so the applied config is asked.
   */
  async readRuntime(index: Readonly<Record<string, IndexEntry>>): Promise<Map<string, Runtime>> {
    const entries = { ...index };
    for (const [id, entry] of Object.entries(index)) {
      if (entry.type !== 'filter' || entry.state === 'removed' || entry.stream_group !== undefined) continue;
      const config = await readObject(this.store, collectionKeys(id).config, 'collection-config');
      if (config) entries[id] = { ...entry, stream_group: config.value.credentials };
    }
    return recordedRuntime(entries);
  }

  /**
   * Runs the harvest here, its logs on standard error (or to `logLine`). The child has a process group of its own, so
   * that each stop reaches it once, from here, as the signal that asked for it; and this waits for
   * it to finish storing.
   */
  harvestNow(id: string, options: HarvestNowOptions): Promise<number> {
    requireLocalArchive(this.store.location);
    const child = spawn(process.execPath, harvestProcessArgs(id, this.store.location, ['--api-base-url', options.apiBaseUrl]), {
      ...childHarvestSpawn(options.env, 'inherit', options.logLine ? 'pipe' : 'inherit'),
      detached: true,
    });
    const { logLine } = options;
    if (logLine && child.stderr) createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', logLine);
    const forward = (): void => {
      const reason: unknown = options.stop.reason;
      const signal = reason === 'SIGINT' || reason === 'SIGTERM' ? reason : 'SIGTERM';
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    options.stop.addEventListener('abort', forward);
    return new Promise<number>((resolve) =>
      child.on('close', (code) => {
        options.stop.removeEventListener('abort', forward);
        resolve(code ?? 1);
      }),
    );
  }

  async runStep(step: RuntimeStep, action: PlannedAction, signal?: AbortSignal): Promise<void> {
    if (step.kind !== 'stop-harvests') return;
    await stopAndReport(this.store, action.id, {
      actor: this.options.actor,
      waitMs: this.options.stopWaitMs,
      report: this.options.report,
      afterwards: 'it will finish on its own',
      signal,
    });
  }
}
