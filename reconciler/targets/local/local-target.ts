import type { ArchiveStore } from '../../../platform/archive/store.js';
import { stopRunningHarvest } from '../../live/stop-harvest.js';
import type { PlannedAction, Runtime, RuntimeStep } from '../../plan/model.js';
import { recordedRuntime, type IndexEntry, type Target } from '../target.js';

/**
 * The embedded default target: collections run on this machine under `twarc-cloud up`, which
 * follows the archive's configs (its scheduler fires schedules, its supervisor keeps filter
 * harvests running). So the runtime is what the applied configs say, and apply's only runtime
 * work here is stopping running harvests gracefully; `up` picks up every other change itself.
 */
export class LocalTarget implements Target {
  readonly name = 'local';

  constructor(
    readonly store: ArchiveStore,
    private readonly options: { readonly actor: string; readonly stopWaitMs: number; readonly report: (line: string) => void },
  ) {}

  readRuntime(index: Readonly<Record<string, IndexEntry>>): Promise<Map<string, Runtime>> {
    return Promise.resolve(recordedRuntime(index));
  }

  async runStep(step: RuntimeStep, action: PlannedAction): Promise<void> {
    if (step.kind !== 'stop-harvests') return;
    const outcome = await stopRunningHarvest(this.store, action.id, this.options.actor, this.options.stopWaitMs);
    if (outcome.via === 'none-running') return;
    this.options.report(
      outcome.stopped
        ? `  ${action.id}: running harvest stopped (${outcome.via})`
        : `  ${action.id}: running harvest asked to stop (${outcome.via}); it had not finished after ${Math.round(this.options.stopWaitMs / 1000)} s and will finish on its own`,
    );
  }
}
