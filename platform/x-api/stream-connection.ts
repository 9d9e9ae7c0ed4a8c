/*
 * One connection to the filtered stream, read as raw `\r\n`-framed lines so that each message is
 * stored exactly as X sent it (twitter-api-v2's TweetStream parses every message into objects,
 * which would then have to be serialised again). A connection ends on a disconnect, a network
 * error, silence longer than `silenceMs` (X sends a keep-alive every 20 s), or `signal`.
 */

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface StreamConnectionOptions {
  readonly url: string;
  readonly bearerToken: string;
  readonly silenceMs: number;
  readonly signal: AbortSignal;
}

export type StreamEnd =
  | { readonly kind: 'ended' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'silent' }
  | { readonly kind: 'network'; readonly problem: string }
  /** Our side failed to take a message (storing it failed): not a reason to reconnect. */
  | { readonly kind: 'failed'; readonly problem: string; readonly error: unknown }
  | { readonly kind: 'refused'; readonly status: number; readonly body: string; readonly rateLimitReset?: number };

/** Called with each message line; a returned promise pauses reading until it settles (backpressure). */
export type LineHandler = (line: Buffer) => Promise<void> | undefined;

const CRLF = Buffer.from('\r\n');

/**
 * Reads one connection. Lines are handed over as Buffers (the bytes as sent, never decoded and
 * re-encoded), and silence is checked by one timer per connection rather than one per chunk:
 * at full stream speed both are measurable costs.
 */
export function readStream(options: StreamConnectionOptions, onLine: LineHandler, onConnected: () => void): Promise<StreamEnd> {
  if (options.signal.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    let settled = false;
    let lastActivity = Date.now();
    const finish = (end: StreamEnd): void => {
      if (settled) return;
      settled = true;
      clearInterval(silence);
      options.signal.removeEventListener('abort', onAbort);
      request.destroy();
      resolve(end);
    };
    const onAbort = (): void => {
      finish({ kind: 'aborted' });
    };
    const silence = setInterval(
      () => {
        if (Date.now() - lastActivity >= options.silenceMs) finish({ kind: 'silent' });
      },
      Math.max(10, Math.floor(options.silenceMs / 5)),
    );
    const send = options.url.startsWith('https:') ? httpsRequest : httpRequest;
    const request = send(options.url, { headers: { authorization: `Bearer ${options.bearerToken}`, 'user-agent': 'twarc-cloud' } });
    // Listened for before anything can destroy the request: a destroyed request emits "socket hang
    // up", and an error nobody listens for ends the process (a harvest stopped as it connected died
    // of it, its lock left behind).
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish({ kind: 'network', problem: error.code ?? error.message });
    });
    options.signal.addEventListener('abort', onAbort, { once: true });
    request.on('response', (response: IncomingMessage) => {
      lastActivity = Date.now();
      if (response.statusCode !== 200) {
        readRefusal(response, finish);
        return;
      }
      onConnected();
      readLines(response, onLine, finish, () => (lastActivity = Date.now()));
    });
    request.end();
  });
}

/** A refused connection: its status, the start of its body, and when its rate limit resets. */
function readRefusal(response: IncomingMessage, finish: (end: StreamEnd) => void): void {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (body += chunk));
  response.on('end', () => {
    const reset = Number(response.headers['x-rate-limit-reset']);
    finish({
      kind: 'refused',
      status: response.statusCode ?? 0,
      body: body.slice(0, 2000),
      ...(Number.isFinite(reset) ? { rateLimitReset: reset } : {}),
    });
  });
}

/** The stream's lines, each handed to `onLine` as sent; reading pauses while one is being taken. */
function readLines(response: IncomingMessage, onLine: LineHandler, finish: (end: StreamEnd) => void, touch: () => void): void {
  const failed = (error: unknown): void => {
    finish({ kind: 'failed', problem: error instanceof Error ? error.message : String(error), error });
  };
  let pending: Buffer | undefined;
  response.on('data', (chunk: Buffer) => {
    touch();
    const data = pending ? Buffer.concat([pending, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const end = data.indexOf(CRLF, start);
      if (end < 0) break;
      const line = data.subarray(start, end);
      start = end + 2;
      if (line.length === 0) continue; // keep-alive
      let wait: Promise<void> | undefined;
      try {
        wait = onLine(line);
      } catch (error) {
        failed(error);
        return;
      }
      if (wait) {
        response.pause();
        wait.then(() => response.resume(), failed);
      }
    }
    pending = start >= data.length ? undefined : data.subarray(start);
  });
  response.on('end', () => {
    finish({ kind: 'ended' });
  });
  response.on('error', (error: NodeJS.ErrnoException) => {
    finish({ kind: 'network', problem: error.code ?? error.message });
  });
  response.on('close', () => {
    finish({ kind: 'network', problem: 'connection closed' });
  });
}
