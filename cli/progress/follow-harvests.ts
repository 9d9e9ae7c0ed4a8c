/*
 * Feeds a HarvestProgress while harvests run: their log lines as they come, and every half second
 * the counters of each one's control API (found through its lock, as `status` finds them).
 */

import type { ArchiveStore } from '../../platform/archive/store.js';
import { runningHarvest } from '../../reconciler/inspect/running-harvest.js';
import { HarvestProgress } from './harvest-progress.js';
import { ProgressView } from './progress-view.js';

export interface FollowedHarvests {
  /** Hand every log line of the harvests here. */
  logLine(line: string): void;
  /** Stop following; the last progress stays on the screen. */
  done(): Promise<void>;
}

export function followHarvests(store: ArchiveStore, ids: readonly string[]): FollowedHarvests {
  const progress = new HarvestProgress(ids);
  const view = new ProgressView(progress);
  let polling = Promise.resolve();
  const poll = setInterval(() => {
    polling = polling.then(async () => {
      for (const id of ids) {
        const running = await runningHarvest(store, id).catch(() => undefined);
        if (running?.live) progress.counters(id, running.live, Date.now());
      }
    });
  }, 500);
  return {
    logLine(line) {
      const said = progress.logLine(line, Date.now());
      if (said !== undefined) view.print(said);
    },
    async done() {
      clearInterval(poll);
      await polling;
      view.done();
    },
  };
}
