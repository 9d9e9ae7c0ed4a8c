import { parseSchedule, type CronField, type CronItem, type CronSchedule, type Schedule } from './schedule-expression.js';

const MINUTE = 60_000;
const UNIT_MS = { minute: MINUTE, hour: 60 * MINUTE, day: 24 * 60 * MINUTE } as const;
/** How far ahead to look for a cron match before calling it never (e.g. a past year). */
const HORIZON_DAYS = 366 * 5;

/** A rate schedule's period in milliseconds. */
export function ratePeriodMs(schedule: Schedule & { kind: 'rate' }): number {
  return schedule.value * UNIT_MS[schedule.unit];
}

/**
 * When a cron schedule next fires strictly after `after`, in UTC as EventBridge evaluates it;
 * undefined when it never will within five years.
 */
export function nextCronTime(cron: CronSchedule, after: Date): Date | undefined {
  const start = new Date(Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE);
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  for (let d = 0; d < HORIZON_DAYS; d += 1, day.setUTCDate(day.getUTCDate() + 1)) {
    if (!dayMatches(cron, day)) continue;
    for (let hour = 0; hour < 24; hour += 1) {
      if (!matches(cron.hours, hour, () => false)) continue;
      for (let minute = 0; minute < 60; minute += 1) {
        if (!matches(cron.minutes, minute, () => false)) continue;
        const at = new Date(day.getTime() + hour * 60 * MINUTE + minute * MINUTE);
        if (at >= start) return at;
      }
    }
  }
  return undefined;
}

/** Days in an average month. */
const MONTH_DAYS = 30.44;

/**
 * How often a schedule fires in an average month: a rate by its period, a cron by its fires over
 * 28 days from a fixed Monday (four of every weekday) scaled to a month. 0 for none or one that
 * never fires; for a cron that fires more than once a minute's worth, counting stops at 50,000.
 */
export function runsPerMonth(expression: string | undefined): number {
  if (expression === undefined) return 0;
  const parsed = parseSchedule(expression);
  if (!parsed.ok) return 0;
  const schedule = parsed.schedule;
  if (schedule.kind === 'rate') return (MONTH_DAYS * UNIT_MS.day) / ratePeriodMs(schedule);
  const start = new Date(Date.UTC(2027, 0, 4));
  const end = start.getTime() + 28 * UNIT_MS.day;
  let fires = 0;
  for (let at = nextCronTime(schedule, new Date(start.getTime() - MINUTE)); at && at.getTime() < end && fires < 50_000; fires += 1)
    at = nextCronTime(schedule, at);
  return (fires * MONTH_DAYS) / 28;
}

function dayMatches(cron: CronSchedule, day: Date): boolean {
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth() + 1;
  const date = day.getUTCDate();
  const weekday = day.getUTCDay() + 1; // AWS: 1 = Sunday ... 7 = Saturday
  const lastDate = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (!matches(cron.year, year, () => false) || !matches(cron.month, month, () => false)) return false;
  const domSpecial = (item: CronItem): boolean => {
    if (item.type === 'last') return date === lastDate;
    if (item.type === 'nearest-weekday') return date === nearestWeekday(year, month, Math.min(item.day, lastDate));
    return false;
  };
  const dowSpecial = (item: CronItem): boolean => {
    if (item.type === 'last') return weekday === 7;
    if (item.type === 'last-weekday-of-month') return weekday === item.weekday && date + 7 > lastDate;
    if (item.type === 'nth-weekday-of-month') return weekday === item.weekday && Math.ceil(date / 7) === item.nth;
    return false;
  };
  return matches(cron.dayOfMonth, date, domSpecial) && matches(cron.dayOfWeek, weekday, dowSpecial);
}

function matches(field: CronField, value: number, special: (item: CronItem) => boolean): boolean {
  if (field.type !== 'items') return true;
  return field.items.some((item) => {
    switch (item.type) {
      case 'value':
        return item.value === value;
      case 'range':
        return value >= item.from && value <= item.to;
      case 'step':
        return value >= item.from && value <= item.to && (value - item.from) % item.step === 0;
      default:
        return special(item);
    }
  });
}

/** The weekday (Monday to Friday) nearest to `day`, within the same month, as `15W` means. */
function nearestWeekday(year: number, month: number, day: number): number {
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const lastDate = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (weekday === 6) return day === 1 ? 3 : day - 1;
  if (weekday === 0) return day === lastDate ? day - 2 : day + 1;
  return day;
}
