/*
 * Why a harvest ends early, from whichever source asks first: the control API, a stop-request
 * object in the archive, a signal, max_records, the collection's monthly budget, or a failure. The
 * first reason wins; the signal aborts waits (rate limits, backoffs, a quiet stream) so that
 * stopping is prompt.
 */

export type StopCause = 'requested' | 'signal' | 'max_records' | 'budget' | 'failed' | 'lock_lost';

export class StopController {
  private readonly controller = new AbortController();
  private stopReason: { cause: StopCause; detail: string } | undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopping(): boolean {
    return this.stopReason !== undefined;
  }

  get reason(): { readonly cause: StopCause; readonly detail: string } | undefined {
    return this.stopReason;
  }

  stop(cause: StopCause, detail: string): void {
    if (this.stopReason) return;
    this.stopReason = { cause, detail };
    this.controller.abort(new HarvestStopping(detail));
  }
}

/** What a wait rejects with when the harvest is stopping: not an error, an early end. */
export class HarvestStopping extends Error {
  override readonly name = 'HarvestStopping';
}
