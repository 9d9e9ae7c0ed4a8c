/*
 * How a stream connection ended, read the same way by every stream harvest: which of X's
 * documented backoffs applies, which ends are a user's to fix (credentials, app auth, usage cap),
 * how to say it in a log line; and the reconnect loop built on that.
 */

import { UserError } from '../../platform/errors.js';
import { sleep } from '../../platform/async.js';
import { backoffMs, type FailureKind } from '../../platform/x-api/backoff.js';
import { XApiRequestRefused, XAppAuthRequired, XCredentialsRejected, XUsageCapReached } from '../../platform/x-api/errors.js';
import { readStream, type LineHandler, type StreamEnd } from '../../platform/x-api/stream-connection.js';
import { HarvestStopping, type StopController } from '../stop.js';

/** The backoff a reconnect after `end` follows; throws for ends no reconnect can mend. */
export function streamFailureKind(end: StreamEnd, profile: string): FailureKind {
  if (end.kind !== 'refused') return 'network';
  if (end.status === 401) throw new XCredentialsRejected(profile, 'tweets/search/stream');
  if (end.status === 403 && end.body.includes('unsupported-authentication')) throw new XAppAuthRequired(profile, 'tweets/search/stream');
  if (end.status === 429) {
    if (end.body.includes('usage-capped') || end.body.includes('UsageCapExceeded'))
      throw new XUsageCapReached('tweets/search/stream', end.body.slice(0, 200));
    return 'rate-limit';
  }
  if (end.status >= 500) return 'http';
  throw new XApiRequestRefused('tweets/search/stream', end.status, end.body.slice(0, 300));
}

export function describeStreamEnd(end: StreamEnd): string {
  switch (end.kind) {
    case 'refused':
      return `refused with ${end.status}${end.body.includes('TooManyConnections') ? ' (TooManyConnections: another connection uses this app)' : ''}`;
    case 'network':
      return `network error: ${end.problem}`;
    case 'silent':
      return 'went silent (no keep-alive)';
    default:
      return end.kind;
  }
}

export interface StreamLoopOptions {
  /** The stream's URL, asked again for each connection (a reconnect may ask for a backfill). */
  readonly url: string | (() => string | Promise<string>);
  readonly bearerToken: string;
  readonly profile: string;
  readonly silenceMs: number;
  readonly backoffScale: number;
  readonly stop: StopController;
  readonly onLine: LineHandler;
  /** A connection is about to be asked for. */
  readonly onAttempt?: () => void;
  /** A connection came up. */
  readonly onConnected: () => void;
  /** A connection ended and the next one follows after `waitMs`, X's backoff for how it ended. */
  readonly onDisconnected: (end: StreamEnd, waitMs: number) => void;
}

/**
 * Reads the stream until the harvest stops, reconnecting with X's backoff: a connection that was
 * up starts the backoff over, one that never came up continues it. Ends no reconnect can mend
 * (credentials, app auth, the usage cap) and a failure to store a message are thrown.
 */
export async function readUntilStopped(options: StreamLoopOptions): Promise<void> {
  const { stop } = options;
  let failures = 0;
  let lastKind: FailureKind | undefined;
  while (!stop.stopping) {
    const connection = { up: false };
    options.onAttempt?.();
    const url = typeof options.url === 'string' ? options.url : await options.url();
    const end = await readStream(
      {
        url,
        bearerToken: options.bearerToken,
        silenceMs: options.silenceMs,
        signal: stop.signal,
      },
      options.onLine,
      () => {
        connection.up = true;
        options.onConnected();
      },
    );
    if (end.kind === 'failed') throw storingFailed(end.problem, end.error);
    if (end.kind === 'aborted' || stop.signal.aborted) return;
    const kind = streamFailureKind(end, options.profile);
    failures = connection.up || kind !== lastKind ? 1 : failures + 1;
    lastKind = kind;
    const waitMs = backoffMs(kind, failures, options.backoffScale);
    options.onDisconnected(end, waitMs);
    try {
      await sleep(waitMs, stop.signal);
    } catch (error) {
      if (error instanceof HarvestStopping) return;
      throw error;
    }
  }
}

/** A message that could not be stored ends the stream; what a person can mend (S3 failing after retries, a full disk) stays told as such. */
function storingFailed(problem: string, error: unknown): Error {
  const message = `storing stream messages failed: ${problem}`;
  return error instanceof UserError ? new UserError(message, error.hint) : new Error(message);
}
