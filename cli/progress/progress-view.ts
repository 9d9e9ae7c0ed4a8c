/*
 * Harvest progress drawn on a terminal and redrawn in place (log-update does the cursor work), with
 * what a person must read (warnings, the end of a harvest) printed above it and kept.
 */

import { createLogUpdate } from 'log-update';
import type { HarvestProgress } from './harvest-progress.js';

export class ProgressView {
  private readonly update: ReturnType<typeof createLogUpdate>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly progress: HarvestProgress,
    private readonly stream: NodeJS.WriteStream = process.stdout,
  ) {
    // A terminal that has not told its size (a pseudo-terminal under `script`, say) reports 0 rows and
    // columns, and log-update would fit the progress into none: such a one is taken as 80 by 24.
    this.update = createLogUpdate({
      write: (text: string) => stream.write(text),
      get rows() {
        return stream.rows > 0 ? stream.rows : 24;
      },
      get columns() {
        return stream.columns > 0 ? stream.columns : 80;
      },
    } as unknown as NodeJS.WriteStream);
    this.timer = setInterval(() => {
      this.render();
    }, 500);
    this.render();
  }

  /** A line that stays, above the progress. */
  print(line: string): void {
    this.update.clear();
    this.stream.write(`${line}\n`);
    this.render();
  }

  /** The last state stays on the screen; the view stops redrawing. */
  done(): void {
    clearInterval(this.timer);
    this.render();
    this.update.done();
  }

  private render(): void {
    const width = this.stream.columns > 0 ? this.stream.columns : 80;
    this.update(
      this.progress
        .lines(Date.now())
        .map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line))
        .join('\n'),
    );
  }
}
