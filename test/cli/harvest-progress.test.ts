/*
 * The progress a person sees while harvests run on a terminal: built from the harvests' own JSON
 * log lines and their control API's counters, one line each.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarvestProgress } from '../../cli/progress/harvest-progress.js';

const T0 = Date.parse('2026-12-07T12:00:00Z');

function log(fields: Record<string, unknown>): string {
  return JSON.stringify({ time: new Date(T0).toISOString(), level: 'info', ...fields });
}

describe('harvest progress on a terminal', () => {
  it('shows a search: posts stored, requests, and a rate-limit wait with the time left in the window', () => {
    const progress = new HarvestProgress(['climate-search']);
    assert.deepEqual(progress.lines(T0), ['climate-search  starting']);
    progress.counters(
      'climate-search',
      { started_at: new Date(T0).toISOString(), tweets: 1200, requests: { 'tweets/search/recent': 12 } },
      T0,
    );
    assert.equal(
      progress.logLine(
        log({ message: 'rate limit reached; waiting for the window to reset', collection: 'climate-search', wait_ms: 272_000 }),
        T0,
      ),
      undefined,
    );
    assert.deepEqual(progress.lines(T0 + 2_000), [
      'climate-search  1,200 posts · 12 requests · 1 rate-limit wait · rate limit: 4:30 left · 0:02',
    ]);
    assert.deepEqual(
      progress.lines(T0 + 300_000),
      ['climate-search  1,200 posts · 12 requests · 1 rate-limit wait · 5:00'],
      'the wait is over',
    );
  });

  it('shows a stream: its connection, posts and posts per minute', () => {
    const progress = new HarvestProgress(['climate-stream']);
    progress.logLine(log({ message: 'harvest started in its stream group', collection: 'climate-stream' }), T0);
    progress.counters('climate-stream', { started_at: new Date(T0).toISOString(), tweets: 0, stream_group: 'default' }, T0);
    assert.match(progress.lines(T0)[0] ?? '', /^climate-stream {2}connecting · 0 posts · 0 posts\/min/);
    progress.logLine(log({ message: 'stream connected', stream_group: 'default' }), T0 + 1000);
    progress.counters('climate-stream', { tweets: 300 }, T0 + 30_000);
    assert.deepEqual(progress.lines(T0 + 30_000), ['climate-stream  connected · 300 posts · 600 posts/min · 0:30']);
    progress.logLine(log({ level: 'warn', message: 'stream disconnected; reconnecting', stream_group: 'default' }), T0 + 31_000);
    assert.match(progress.lines(T0 + 31_000)[0] ?? '', /^climate-stream {2}reconnecting · 300 posts/);
  });

  it('prints warnings, errors and the end of a harvest as lines of their own, and the rest only in the progress', () => {
    const progress = new HarvestProgress(['a', 'b']);
    assert.equal(progress.logLine(log({ message: 'tweet file stored', collection: 'a' }), T0), undefined);
    assert.equal(
      progress.logLine(log({ level: 'warn', message: 'timeline not available', collection: 'a' }), T0),
      'a: warn: timeline not available',
    );
    assert.equal(progress.logLine('not JSON: said as it is', T0), 'not JSON: said as it is');
    assert.deepEqual(progress.lines(T0), ['a  0 posts · 0 requests · 0 rate-limit waits · 0:00', 'b  starting'], 'neither has ended');
    assert.equal(
      progress.logLine(
        log({
          message: 'harvest ended',
          collection: 'a',
          outcome: 'completed',
          tweets: 4321,
          requests: { users: 1, 'users/:id/tweets': 44 },
        }),
        T0 + 65_000,
      ),
      'a: harvest completed, 4,321 posts stored',
    );
    assert.equal(
      progress.logLine(
        log({ message: 'harvest ended', collection: 'b', outcome: 'stopped', reason: 'max_records reached', tweets: 5 }),
        T0,
      ),
      'b: harvest stopped, 5 posts stored (max_records reached)',
    );
    assert.deepEqual(progress.lines(T0 + 70_000), [
      'a  4,321 posts · 45 requests · 0 rate-limit waits · completed',
      'b  5 posts · 0 requests · 0 rate-limit waits · stopped',
    ]);
  });
});
