/*
 * What a search asks X for: never ids and times in one request (X refuses them together), and
 * never a recent search reaching past its 7 days (X refuses that too): the stretch out of reach
 * becomes a recorded gap instead of a harvest that fails from then on.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planSearch, RECENT_SEARCH_REACH_MS, searchBounds } from '../../harvester/collect/search-bounds.js';
import { firstIdAt, tweetTime } from '../../platform/x-api/snowflake.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');
const DAY = 24 * 3_600_000;

function idAt(ms: number): string {
  const id = firstIdAt(ms);
  assert.ok(id !== undefined);
  return (id + 5n).toString();
}

describe('snowflake ids and times', () => {
  it('reads a tweet id back to the millisecond it encodes, and leaves pre-2010 ids without a time', () => {
    const at = Date.parse('2024-05-01T10:20:30.456Z');
    assert.equal(tweetTime(idAt(at)), at);
    assert.equal(tweetTime('20'), undefined, "Jack's first tweet has a counted id");
    assert.equal(firstIdAt(Date.parse('2008-01-01T00:00:00Z')), undefined);
  });
});

describe('a recent search resumed', () => {
  it('within 7 days continues from its since_id unchanged', () => {
    const resume = { since_id: idAt(NOW - 6 * DAY) };
    const plan = planSearch({ recent: true, now: NOW, resume });
    assert.deepEqual(plan, { resume });
  });

  it('after more than 7 days starts at the oldest time X serves and records the gap from its since_id', () => {
    const since = NOW - 9 * DAY;
    const plan = planSearch({ recent: true, now: NOW, resume: { since_id: idAt(since) } });
    assert.deepEqual(plan.resume, {});
    assert.ok(plan.startTime !== undefined);
    const start = Date.parse(plan.startTime);
    assert.ok(start > NOW - RECENT_SEARCH_REACH_MS && start < NOW - RECENT_SEARCH_REACH_MS + 15 * 60_000, plan.startTime);
    assert.equal(plan.gap?.start, new Date(Math.floor(since / 1000) * 1000).toISOString().replace('.000Z', 'Z'));
    assert.equal(plan.gap.end, plan.startTime);
    assert.match(plan.gap.cause, /recent search serves only the last 7 days/);
  });

  it('whose unfinished pass ended inside the window finishes it, bounded below by the window', () => {
    const resume = { since_id: idAt(NOW - 10 * DAY), until_id: idAt(NOW - 2 * DAY), pending_since_id: idAt(NOW - DAY) };
    const plan = planSearch({ recent: true, now: NOW, resume });
    assert.deepEqual(plan.resume, { until_id: resume.until_id, pending_since_id: resume.pending_since_id });
    assert.ok(plan.gap);
  });

  it('whose unfinished pass is wholly out of reach makes a fresh pass', () => {
    const resume = { since_id: idAt(NOW - 12 * DAY), until_id: idAt(NOW - 9 * DAY), pending_since_id: idAt(NOW - 8 * DAY) };
    assert.deepEqual(planSearch({ recent: true, now: NOW, resume }).resume, {});
  });

  it('for the first time with a start_time older than 7 days starts inside the window and records the gap from start_time', () => {
    const plan = planSearch({ recent: true, now: NOW, startTime: '2026-11-01T00:00:00Z', resume: {} });
    assert.equal(plan.gap?.start, '2026-11-01T00:00:00Z');
    assert.ok(Date.parse(plan.startTime ?? '') > NOW - RECENT_SEARCH_REACH_MS);
  });

  it('on full-archive search keeps everything as it was', () => {
    const resume = { since_id: idAt(NOW - 300 * DAY) };
    assert.deepEqual(planSearch({ recent: false, now: NOW, startTime: '2020-01-01T00:00:00Z', resume }), {
      resume,
      startTime: '2020-01-01T00:00:00Z',
    });
  });
});

describe('the bounds of one search request', () => {
  const plan = (startTime?: string, endTime?: string): Parameters<typeof searchBounds>[1] => ({
    resume: {},
    ...(startTime !== undefined ? { startTime } : {}),
    ...(endTime !== undefined ? { endTime } : {}),
  });

  it('are ids alone or times alone as they come', () => {
    assert.deepEqual(searchBounds({ sinceId: '1700000000000000000', untilId: '1800000000000000000' }, plan()), {
      since_id: '1700000000000000000',
      until_id: '1800000000000000000',
    });
    assert.deepEqual(searchBounds({}, plan('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z')), {
      start_time: '2024-01-01T00:00:00Z',
      end_time: '2024-02-01T00:00:00Z',
    });
  });

  it('use since_id rather than start_time once a pass has one (it is always the later bound)', () => {
    assert.deepEqual(searchBounds({ sinceId: '1750000000000000000' }, plan('2024-01-01T00:00:00Z')), { since_id: '1750000000000000000' });
  });

  it('turn times into the exact ids when paging brings ids: nothing lost, nothing fetched twice', () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    const end = Date.parse('2024-02-01T00:00:00Z');
    const untilId = idAt(Date.parse('2024-01-20T00:00:00Z'));
    const bounds = searchBounds({ untilId }, plan('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'));
    assert.deepEqual(bounds, { since_id: ((firstIdAt(start) ?? 0n) - 1n).toString(), until_id: untilId });
    const sinceId = idAt(Date.parse('2024-01-10T00:00:00Z'));
    assert.deepEqual(searchBounds({ sinceId }, plan(undefined, '2024-02-01T00:00:00Z')), {
      since_id: sinceId,
      until_id: (firstIdAt(end) ?? 0n).toString(),
    });
  });

  it('turn ids into times to the second when a time lies before snowflakes (a few tweets of that second fetched twice)', () => {
    const untilAt = Date.parse('2011-03-01T10:00:00.400Z');
    const bounds = searchBounds({ untilId: idAt(untilAt) }, plan('2009-01-01T00:00:00Z'));
    assert.deepEqual(bounds, { start_time: '2009-01-01T00:00:00Z', end_time: '2011-03-01T10:00:01Z' });
  });

  it('drop the lower time when neither side can be expressed in the other (older tweets fetched, none lost)', () => {
    assert.deepEqual(searchBounds({ untilId: '2000000000' }, plan('2008-01-01T00:00:00Z')), { until_id: '2000000000' });
  });
});
