/*
 * The schedule grammar: exactly the expressions that EventBridge scheduled rules accept, so that a
 * schedule that validates here is never refused at apply time. Where AWS's documentation leaves a form
 * unspecified (lower-case month names, several spaces between fields), this grammar refuses it: being
 * stricter than AWS costs a user an edit, being laxer would cost a failed apply on main.
 *
 * Reference: EventBridge user guide, "Rate expressions" and "Cron expressions" (scheduled rules).
 */

export type RateUnit = 'minute' | 'hour' | 'day';

export interface RateSchedule {
  readonly kind: 'rate';
  readonly value: number;
  readonly unit: RateUnit;
}

export type CronItem =
  | { readonly type: 'value'; readonly value: number }
  | { readonly type: 'range'; readonly from: number; readonly to: number }
  | { readonly type: 'step'; readonly from: number; readonly to: number; readonly step: number }
  /** `L`: last day of the month (day-of-month) or of the week (day-of-week). */
  | { readonly type: 'last' }
  /** `15W`: the weekday nearest to the given day of the month. */
  | { readonly type: 'nearest-weekday'; readonly day: number }
  /** `6L`: the last given weekday of the month. */
  | { readonly type: 'last-weekday-of-month'; readonly weekday: number }
  /** `2#1`: the first Monday of the month. */
  | { readonly type: 'nth-weekday-of-month'; readonly weekday: number; readonly nth: number };

export type CronField =
  { readonly type: 'every' } | { readonly type: 'unspecified' } | { readonly type: 'items'; readonly items: readonly CronItem[] };

export interface CronSchedule {
  readonly kind: 'cron';
  readonly minutes: CronField;
  readonly hours: CronField;
  readonly dayOfMonth: CronField;
  readonly month: CronField;
  readonly dayOfWeek: CronField;
  readonly year: CronField;
}

export type Schedule = RateSchedule | CronSchedule;

export type ScheduleParseResult = { readonly ok: true; readonly schedule: Schedule } | { readonly ok: false; readonly message: string };

const EXAMPLES = 'e.g. rate(1 day), rate(6 hours) or cron(0 6 * * ? *)';

export function parseSchedule(text: string): ScheduleParseResult {
  const call = /^(rate|cron)\((.*)\)$/s.exec(text);
  if (!call) {
    return fail(`a schedule is a rate(...) or cron(...) expression, ${EXAMPLES}`);
  }
  try {
    const body = call[2] ?? '';
    return { ok: true, schedule: call[1] === 'rate' ? parseRate(body) : parseCron(body) };
  } catch (error) {
    if (error instanceof ScheduleSyntaxError) return fail(error.message);
    throw error;
  }
}

class ScheduleSyntaxError extends Error {}

function fail(message: string): ScheduleParseResult {
  return { ok: false, message };
}

function reject(message: string): never {
  throw new ScheduleSyntaxError(message);
}

const RATE_UNITS: Record<string, { unit: RateUnit; plural: boolean }> = {
  minute: { unit: 'minute', plural: false },
  minutes: { unit: 'minute', plural: true },
  hour: { unit: 'hour', plural: false },
  hours: { unit: 'hour', plural: true },
  day: { unit: 'day', plural: false },
  days: { unit: 'day', plural: true },
};

function parseRate(body: string): RateSchedule {
  const match = /^(\d+) ([a-z]+)$/.exec(body);
  if (!match) {
    reject(`rate(${body}) is not a rate expression: write a whole number, one space and a unit, e.g. rate(1 day) or rate(30 minutes)`);
  }
  const [, digits = '', unitWord = ''] = match;
  const unit = RATE_UNITS[unitWord];
  if (!unit) {
    const weeks = /^weeks?$/.test(unitWord) ? '; for weekly harvests use rate(7 days)' : '';
    reject(`rate unit "${unitWord}" is not one of minute, minutes, hour, hours, day, days${weeks}`);
  }
  if (/^0\d/.test(digits)) reject(`write the rate value without leading zeros: rate(${Number(digits)} ${unitWord})`);
  const value = Number(digits);
  if (value === 0) reject('the rate value must be at least 1');
  if (!Number.isSafeInteger(value)) reject(`the rate value ${digits} is too large`);
  if (value === 1 && unit.plural) reject(`use the singular unit for 1: rate(1 ${unit.unit})`);
  if (value > 1 && !unit.plural) reject(`use the plural unit for values above 1: rate(${value} ${unit.unit}s)`);
  return { kind: 'rate', value, unit: unit.unit };
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly allowUnspecified?: boolean;
  readonly allowStep: boolean;
  readonly parseSpecial?: (text: string, spec: FieldSpec) => CronItem | undefined;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59, allowStep: true };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23, allowStep: true };
const DAY_OF_MONTH: FieldSpec = {
  name: 'day-of-month',
  min: 1,
  max: 31,
  allowUnspecified: true,
  allowStep: true,
  parseSpecial: (text, spec) => {
    if (text === 'L') return { type: 'last' };
    const weekday = /^(\d+)W$/.exec(text);
    if (weekday) return { type: 'nearest-weekday', day: parseValue(weekday[1] ?? '', spec) };
    return undefined;
  },
};
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTH_NAMES, allowStep: true };
const DAY_OF_WEEK: FieldSpec = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: WEEKDAY_NAMES,
  allowUnspecified: true,
  allowStep: false,
  parseSpecial: (text, spec) => {
    if (text === 'L') return { type: 'last' };
    const last = /^([0-9A-Z]+)L$/.exec(text);
    if (last) return { type: 'last-weekday-of-month', weekday: parseValue(last[1] ?? '', spec) };
    const nth = /^([0-9A-Z]+)#(\d+)$/.exec(text);
    if (nth) {
      const weekday = parseValue(nth[1] ?? '', spec);
      const n = Number(nth[2]);
      if (!/^[1-5]$/.test(nth[2] ?? '')) reject(`in "${text}" the week of the month after # must be 1 to 5`);
      return { type: 'nth-weekday-of-month', weekday, nth: n };
    }
    return undefined;
  },
};
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199, allowStep: true };

const CRON_FIELDS = [MINUTES, HOURS, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR] as const;

function parseCron(body: string): CronSchedule {
  if (/^\s|\s$/.test(body) || /\s{2,}|[^\S ]/.test(body)) {
    reject('separate the six cron fields with single spaces, with no space after "cron(" or before ")"');
  }
  const texts = body.split(' ');
  if (texts.length !== CRON_FIELDS.length) {
    const hint = texts.length === 5 ? '; EventBridge also needs the year field, usually *' : '';
    reject(`cron expressions have six fields (minutes hours day-of-month month day-of-week year); found ${texts.length}${hint}`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = CRON_FIELDS.map((spec, i) => parseField(texts[i] ?? '', spec)) as [
    CronField,
    CronField,
    CronField,
    CronField,
    CronField,
    CronField,
  ];
  const domUnspecified = dayOfMonth.type === 'unspecified';
  const dowUnspecified = dayOfWeek.type === 'unspecified';
  if (domUnspecified === dowUnspecified) {
    reject(
      domUnspecified
        ? 'day-of-month and day-of-week cannot both be ?; give one of them a value or *'
        : 'use ? in either day-of-month or day-of-week: EventBridge cannot combine both, e.g. cron(0 6 * * ? *) or cron(0 6 ? * MON-FRI *)',
    );
  }
  return { kind: 'cron', minutes, hours, dayOfMonth, month, dayOfWeek, year };
}

function parseField(text: string, spec: FieldSpec): CronField {
  if (text === '*') return { type: 'every' };
  if (text === '?') {
    if (!spec.allowUnspecified) reject(`? is allowed only in day-of-month and day-of-week, not in ${spec.name}`);
    return { type: 'unspecified' };
  }
  const parts = text.split(',');
  if (parts.length > 1 && text.includes('#')) {
    reject(`the ${spec.name} field "${text}" combines # with a list; EventBridge allows only one # expression`);
  }
  return { type: 'items', items: parts.map((part) => parseItem(part, spec, text)) };
}

function parseItem(text: string, spec: FieldSpec, field: string): CronItem {
  if (text === '' || text === '*' || text === '?') {
    reject(`the ${spec.name} field "${field}" has an empty or wildcard list element; * and ? must stand alone`);
  }
  const special = spec.parseSpecial?.(text, spec);
  if (special) return special;
  const slash = text.indexOf('/');
  if (slash >= 0) {
    if (!spec.allowStep) reject(`the / increment is not allowed in the ${spec.name} field ("${text}")`);
    const start = text.slice(0, slash);
    const step = parseStep(text.slice(slash + 1), spec);
    if (start === '*') return { type: 'step', from: spec.min, to: spec.max, step };
    const range = parseRangeOrValue(start, spec);
    return range.type === 'range'
      ? { type: 'step', from: range.from, to: range.to, step }
      : { type: 'step', from: range.value, to: spec.max, step };
  }
  return parseRangeOrValue(text, spec);
}

function parseStep(text: string, spec: FieldSpec): number {
  if (!/^\d+$/.test(text)) reject(`the increment after / in the ${spec.name} field must be a whole number, not "${text}"`);
  const step = Number(text);
  if (step < 1 || step > spec.max) reject(`the ${spec.name} increment /${text} must be between 1 and ${spec.max}`);
  return step;
}

function parseRangeOrValue(
  text: string,
  spec: FieldSpec,
): { readonly type: 'value'; readonly value: number } | { readonly type: 'range'; readonly from: number; readonly to: number } {
  const dash = text.indexOf('-');
  if (dash < 0) return { type: 'value', value: parseValue(text, spec) };
  const from = parseValue(text.slice(0, dash), spec);
  const to = parseValue(text.slice(dash + 1), spec);
  if (from > to) reject(`the ${spec.name} range "${text}" runs backwards; write the smaller value first`);
  return { type: 'range', from, to };
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text) ?? -1;
  if (named >= 0) return named + spec.min;
  const digits = spec === YEAR ? /^\d{4}$/ : /^\d{1,2}$/;
  if (!digits.test(text)) {
    const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]} (upper case)` : '';
    reject(`"${text}" is not a valid ${spec.name} value; use ${spec.min}-${spec.max}${names}`);
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    reject(`${spec.name} value ${text} is out of range ${spec.min}-${spec.max}`);
  }
  return value;
}
