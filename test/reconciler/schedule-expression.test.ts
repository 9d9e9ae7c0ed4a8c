import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSchedule } from '../../reconciler/schedule/schedule-expression.js';

// Valid expressions: every example in the EventBridge user guide ("Cron expressions", "Rate
// expressions"), then forms its wildcard table allows.
const AWS_DOCUMENTED_VALID = [
  'cron(0 10 * * ? *)', // 10:00 UTC every day
  'cron(15 12 * * ? *)', // 12:15 UTC every day
  'cron(0 18 ? * MON-FRI *)', // 18:00 Monday to Friday
  'cron(0 8 1 * ? *)', // 08:00 on the first day of the month
  'cron(0/15 * * * ? *)', // every 15 minutes
  'cron(0/10 * ? * MON-FRI *)', // every 10 minutes, Monday to Friday
  'cron(0/5 8-17 ? * MON-FRI *)', // every 5 minutes, 08:00-17:55, Monday to Friday
  'cron(0 9 ? * 2#1 *)', // 09:00 on the first Monday of the month
  'rate(1 minute)',
  'rate(5 minutes)',
  'rate(1 hour)',
  'rate(1 day)',
  'rate(7 days)',
];

const WILDCARD_TABLE_VALID = [
  'cron(1/10 * * * ? *)', // "1/10 ... the 11th, 21st, and 31st minute"
  'cron(0 0 1-15 * ? *)', // "1-15 includes days 1 through 15"
  'cron(0 0 ? JAN,FEB,MAR * *)', // "JAN,FEB,MAR includes January, February, and March"
  'cron(0 0 7 * ? *)', // "you could enter 7 and ... ? in the Day-of-week field"
  'cron(0 0 L * ? *)', // last day of the month
  'cron(0 0 ? * L *)', // last day of the week
  'cron(0 0 3W * ? *)', // "3W specifies the weekday closest to the third day of the month"
  'cron(0 0 ? * 3#2 *)', // "3#2 would be the second Tuesday of the month"
  'cron(0 12 ? * 6L *)', // last Friday of the month
  'cron(30 23 31 12 ? 2199)', // the last minute EventBridge can express
  'cron(0 0 1 1 ? 1970-2199)',
  'cron(*/5 * * * ? *)',
  'cron(0 6 ? * SUN-SAT 2026/2)',
];

// Each with the part of the message that tells the user what to change.
const INVALID: Array<[string, string]> = [
  ['rate(1 hours)', 'use the singular unit for 1: rate(1 hour)'], // documented invalid
  ['rate(5 hour)', 'use the plural unit for values above 1: rate(5 hours)'], // documented invalid
  ['rate(0 minutes)', 'at least 1'],
  ['rate(-1 days)', 'write a whole number'],
  ['rate(1.5 hours)', 'write a whole number'],
  ['rate(1 week)', 'rate(7 days)'],
  ['rate(2 weeks)', 'rate(7 days)'],
  ['rate(1 second)', 'not one of minute'],
  ['rate(01 day)', 'without leading zeros'],
  ['rate(1  day)', 'write a whole number'],
  ['rate(1 Day)', 'write a whole number'],
  ['rate()', 'write a whole number'],
  ['rate(1 day', 'a schedule is a rate(...) or cron(...) expression'],
  ['every day', 'a schedule is a rate(...) or cron(...) expression'],
  ['at(2026-01-01T00:00:00)', 'a schedule is a rate(...) or cron(...) expression'], // EventBridge Scheduler only
  ['RATE(1 day)', 'a schedule is a rate(...) or cron(...) expression'],
  ['cron(0 10 * * *)', 'found 5; EventBridge also needs the year field'],
  ['cron(0 0 10 * * ? *)', 'found 7'],
  ['cron(0 10 * * * *)', 'use ? in either day-of-month or day-of-week'], // documented: * in both
  ['cron(0 10 1 * MON *)', 'use ? in either day-of-month or day-of-week'],
  ['cron(0 10 ? * ? *)', 'cannot both be ?'],
  ['cron(60 * * * ? *)', 'minutes value 60 is out of range 0-59'],
  ['cron(0 24 * * ? *)', 'hours value 24 is out of range 0-23'],
  ['cron(0 0 0 * ? *)', 'day-of-month value 0 is out of range 1-31'],
  ['cron(0 0 32 * ? *)', 'day-of-month value 32 is out of range 1-31'],
  ['cron(0 0 ? 13 * *)', 'month value 13 is out of range 1-12'],
  ['cron(0 0 ? * 8 *)', 'day-of-week value 8 is out of range 1-7'],
  ['cron(0 0 ? * 0 *)', 'day-of-week value 0 is out of range 1-7'],
  ['cron(0 0 * * ? 1969)', 'year value 1969 is out of range 1970-2199'],
  ['cron(0 0 * * ? 2200)', 'year value 2200 is out of range 1970-2199'],
  ['cron(0 0 * * ? 26)', 'not a valid year value'],
  ['cron(0 9 ? * 3#1,6#3 *)', 'combines # with a list'], // documented invalid
  ['cron(0 9 ? * 2#6 *)', 'must be 1 to 5'],
  ['cron(0 0 ? * MON/2 *)', 'not allowed in the day-of-week field'],
  ['cron(0 0 ? jan * *)', 'upper case'],
  ['cron(0 0 ? * mon *)', 'upper case'],
  ['cron(0 0 ? FOO * *)', 'not a valid month value'],
  ['cron(0 0 15-10 * ? *)', 'runs backwards'],
  ['cron(0/0 * * * ? *)', 'between 1 and 59'],
  ['cron(0/60 * * * ? *)', 'between 1 and 59'],
  ['cron(0 0 L * L *)', 'use ? in either day-of-month or day-of-week'],
  ['cron(0 0 W * ? *)', 'not a valid day-of-month value'],
  ['cron(0 0 1,* * ? *)', '* and ? must stand alone'],
  ['cron(0 0 1, * ? *)', 'empty or wildcard list element'],
  ['cron(0 ? * * ? *)', '? is allowed only in day-of-month and day-of-week'],
  ['cron(0  10 * * ? *)', 'single spaces'],
  ['cron( 0 10 * * ? *)', 'single spaces'],
  ['cron(0\t10 * * ? *)', 'single spaces'],
  ['cron(L 0 * * ? *)', 'not a valid minutes value'],
];

describe('schedule expressions', () => {
  for (const expression of [...AWS_DOCUMENTED_VALID, ...WILDCARD_TABLE_VALID]) {
    it(`accepts ${expression}`, () => {
      const result = parseSchedule(expression);
      assert.ok(result.ok, result.ok ? '' : result.message);
    });
  }

  for (const [expression, fragment] of INVALID) {
    it(`refuses ${JSON.stringify(expression)}`, () => {
      const result = parseSchedule(expression);
      if (result.ok) assert.fail(`${expression} was accepted`);
      assert.ok(result.message.includes(fragment), `"${result.message}" lacks "${fragment}"`);
    });
  }

  it('parses a rate into value and unit', () => {
    assert.deepEqual(parseSchedule('rate(6 hours)'), { ok: true, schedule: { kind: 'rate', value: 6, unit: 'hour' } });
  });

  it('parses cron fields into structured items for the local scheduler', () => {
    const result = parseSchedule('cron(0/15 8-17 ? JAN,MAR MON-FRI *)');
    assert.ok(result.ok && result.schedule.kind === 'cron');
    assert.deepEqual(result.schedule.minutes, { type: 'items', items: [{ type: 'step', from: 0, to: 59, step: 15 }] });
    assert.deepEqual(result.schedule.hours, { type: 'items', items: [{ type: 'range', from: 8, to: 17 }] });
    assert.deepEqual(result.schedule.dayOfMonth, { type: 'unspecified' });
    assert.deepEqual(result.schedule.month, {
      type: 'items',
      items: [
        { type: 'value', value: 1 },
        { type: 'value', value: 3 },
      ],
    });
    assert.deepEqual(result.schedule.dayOfWeek, { type: 'items', items: [{ type: 'range', from: 2, to: 6 }] });
    assert.deepEqual(result.schedule.year, { type: 'every' });
  });

  it('reads weekday names as EventBridge numbers them (SUN=1 ... SAT=7)', () => {
    const result = parseSchedule('cron(0 0 ? * SUN,SAT *)');
    assert.ok(result.ok && result.schedule.kind === 'cron');
    assert.deepEqual(result.schedule.dayOfWeek, {
      type: 'items',
      items: [
        { type: 'value', value: 1 },
        { type: 'value', value: 7 },
      ],
    });
  });
});
