import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextCronTime } from '../../reconciler/schedule/next-fire.js';
import { parseSchedule, type CronSchedule } from '../../reconciler/schedule/schedule-expression.js';

function cron(text: string): CronSchedule {
  const parsed = parseSchedule(text);
  assert.ok(parsed.ok && parsed.schedule.kind === 'cron', text);
  return parsed.schedule;
}

const next = (text: string, after: string): string | undefined => nextCronTime(cron(text), new Date(after))?.toISOString();

describe('when a cron schedule fires next (UTC, as EventBridge)', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['cron(0 6 * * ? *)', '2026-11-29T05:59:30Z', '2026-11-29T06:00:00.000Z'],
    ['cron(0 6 * * ? *)', '2026-11-29T06:00:00Z', '2026-11-30T06:00:00.000Z'],
    ['cron(0/15 * * * ? *)', '2026-11-29T10:07:00Z', '2026-11-29T10:15:00.000Z'],
    ['cron(0 18 ? * MON-FRI *)', '2026-11-27T19:00:00Z', '2026-11-30T18:00:00.000Z'],
    ['cron(0 8 1 * ? *)', '2026-11-29T00:00:00Z', '2026-12-01T08:00:00.000Z'],
    ['cron(0 12 L * ? *)', '2026-02-01T00:00:00Z', '2026-02-28T12:00:00.000Z'],
    ['cron(0 9 ? * 2#1 *)', '2026-11-29T00:00:00Z', '2026-12-07T09:00:00.000Z'],
    ['cron(0 9 ? * 6L *)', '2026-11-01T00:00:00Z', '2026-11-27T09:00:00.000Z'],
    ['cron(0 9 15W * ? *)', '2026-11-01T00:00:00Z', '2026-11-16T09:00:00.000Z'],
    ['cron(0 0 1 1 ? 2020)', '2026-11-29T00:00:00Z', undefined],
  ];
  for (const [expression, after, expected] of cases) {
    it(`${expression} after ${after}`, () => {
      assert.equal(next(expression, after), expected);
    });
  }
});
