/*
 * Feeds a HarvestProgress while harvests run: their log lines as they come, and every half second
 * the counters of each one's control API (found through its lock, as `status` finds them).
 */

import type { ArchiveStore } from '../../platform/archive/store.js';
import { runningHarvest } from '../../reconciler/inspect/running-harvest.js';
import { HarvestProgress, type ProgressOptions } from './harvest-progress.js';
import { ProgressView } from './progress-view.js';

export interface FollowedHarvests {
  /** Hand every log line of the harvests here. */
  logLine(line: string): void;
  /** A line of the caller's own, printed above the progress and kept. */
  print(line: string): void;
  /** Stop following; the last progress stays on the screen. */
  done(): Promise<void>;
}

/** Follows the harvests of `ids`, and any other whose log lines arrive (`up`'s, which come and go). */
export function followHarvests(store: ArchiveStore, ids: readonly string[], options: ProgressOptions = {}): FollowedHarvests {
  const progress = new HarvestProgress(ids, options);
  const view = new ProgressView(progress);
  let polling = Promise.resolve();
  const poll = setInterval(() => {
    polling = polling.then(async () => {
      for (const id of progress.running()) {
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
    print(line) {
      view.print(line);
    },
    async done() {
      clearInterval(poll);
      await polling;
      view.done();
    },
  };
}
