/*
 * One connection to the filtered stream, against the fake X API's stream: a stop ends it whenever
 * it comes, and never as a crash. A stop that came while the connection was being made (a
 * harvest told to stop as it starts) once destroyed the request before anything listened for its
 * error: the process died of "socket hang up" and left its collection's lock behind.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readStream } from '../../platform/x-api/stream-connection.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { until } from '../helpers/until.js';

let fake: FakeXApi;
let url: string;

before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 1, tweetsPerUser: () => 0 },
    stream: { tweets: 1_000_000, perSecond: 200, keepAliveMs: 100 },
  }).start();
  url = `${fake.baseUrl}tweets/search/stream`;
  // A rule, so that the stream has tweets to send.
  const added = await fetch(`${url}/rules`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET_BEARER}`, 'content-type': 'application/json' },
    body: JSON.stringify({ add: [{ value: 'climate' }] }),
  });
  assert.equal(added.status, 201, await added.text());
});
after(() => fake.stop());

/** Runs `body`, and fails if any error went uncaught meanwhile or in the turn of the event loop after it. */
async function withoutUncaughtErrors<T>(body: () => Promise<T>): Promise<T> {
  const uncaught: unknown[] = [];
  const record = (error: unknown): void => {
    uncaught.push(error);
  };
  process.on('uncaughtException', record);
  try {
    const result = await body();
    // A destroyed request emits its error on a later tick: let those run before looking.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      uncaught.map((error) => (error instanceof Error ? error.message : String(error))),
      [],
      'no error went uncaught',
    );
    return result;
  } finally {
    process.off('uncaughtException', record);
  }
}

describe('a filtered stream connection', { timeout: 60_000 }, () => {
  it('ends as aborted, quietly, when the stop came before it connected', async () => {
    const connected: string[] = [];
    const end = await withoutUncaughtErrors(() =>
      readStream(
        { url, bearerToken: SECRET_BEARER, silenceMs: 10_000, signal: AbortSignal.abort() },
        () => undefined,
        () => connected.push('connected'),
      ),
    );
    assert.deepEqual(end, { kind: 'aborted' });
    assert.deepEqual(connected, [], 'it never reported a connection');
  });

  it('ends as aborted when the stop comes while it is connecting', async () => {
    const stop = new AbortController();
    const end = await withoutUncaughtErrors(() => {
      const reading = readStream(
        { url, bearerToken: SECRET_BEARER, silenceMs: 10_000, signal: stop.signal },
        () => undefined,
        () => undefined,
      );
      stop.abort();
      return reading;
    });
    assert.deepEqual(end, { kind: 'aborted' });
  });

  it('ends as aborted when the stop comes while messages arrive', async () => {
    const stop = new AbortController();
    let lines = 0;
    const end = await withoutUncaughtErrors(async () => {
      const reading = readStream(
        { url, bearerToken: SECRET_BEARER, silenceMs: 10_000, signal: stop.signal },
        () => {
          lines += 1;
          return undefined;
        },
        () => undefined,
      );
      await until('messages to arrive', () => Promise.resolve(lines > 0 ? true : undefined));
      stop.abort();
      return reading;
    });
    assert.deepEqual(end, { kind: 'aborted' });
  });
});
