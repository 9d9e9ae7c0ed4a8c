import { nextCronTime } from '../schedule/next-fire.js';
import { parseSchedule } from '../schedule/schedule-expression.js';
import { planKind } from './kinds.js';
import type { DesiredCollection, ScheduleCollision } from './model.js';

type Endpoint = ScheduleCollision['endpoint'];

/** A week that starts on a Monday: cron schedules are compared by the minutes they fire in it. */
const REFERENCE_WEEK = Date.UTC(2026, 0, 5);
const WEEK_MS = 7 * 24 * 3_600_000;
/** Schedules firing more often than this in a week are left out: they meet every other, and say nothing. */
const MAX_FIRES = 7 * 24 * 4;

/**
 * Scheduled collections of one profile that fire in the same minute share its rate limit: past one
 * window's worth of requests, every harvest waits for the next window (and a task on AWS is billed
 * while it waits). Cron schedules are compared by the minutes they fire in a week; rate schedules,
 * which EventBridge counts from when the rule is made, collide when created by the same apply.
 */
export function scheduleCollisions(desired: readonly DesiredCollection[], createdNow: ReadonlySet<string>): ScheduleCollision[] {
  // Only a profile whose scheduled collections need more than a window in all can have any that
  // collide; the rest are passed over without working out a single schedule.
  const scheduled: Array<{ id: string; profile: string; endpoint: Endpoint; schedule: string; requests: number }> = [];
  const totals = new Map<string, number>();
  // Requests one app may make per 15 minutes on each endpoint (X's rate-limit table, per app), as each kind knows its own.
  const limits = new Map<Endpoint, number>();
  for (const collection of desired) {
    const { body } = collection;
    if (collection.state !== 'active' || body.schedule === undefined) continue;
    const window = planKind(body.type)?.rateWindow?.(body);
    if (window === undefined) continue;
    const { endpoint, requests } = window;
    limits.set(endpoint, window.perWindow);
    scheduled.push({ id: collection.id, profile: body.credentials, endpoint, schedule: body.schedule, requests });
    const total = `${body.credentials}\0${endpoint}`;
    totals.set(total, (totals.get(total) ?? 0) + requests);
  }
  const groups = new Map<string, { profile: string; endpoint: Endpoint; when: string; ids: string[]; requests: number }>();
  // Collections that collide mostly share one expression: each is worked out once.
  const fireTimes = new Map<string, string[]>();
  for (const entry of scheduled) {
    if ((totals.get(`${entry.profile}\0${entry.endpoint}`) ?? 0) <= (limits.get(entry.endpoint) ?? 0)) continue;
    const created = createdNow.has(entry.id);
    const cacheKey = `${entry.schedule}\0${String(created)}`;
    const times = fireTimes.get(cacheKey) ?? startTimes(entry.schedule, created);
    fireTimes.set(cacheKey, times);
    for (const when of times) {
      const key = `${entry.profile}\0${entry.endpoint}\0${when}`;
      const group = groups.get(key) ?? { profile: entry.profile, endpoint: entry.endpoint, when, ids: [], requests: 0 };
      group.ids.push(entry.id);
      group.requests += entry.requests;
      groups.set(key, group);
    }
  }
  const collisions = new Map<string, ScheduleCollision>();
  for (const group of groups.values()) {
    const limit = limits.get(group.endpoint) ?? 0;
    if (group.ids.length < 2 || group.requests <= limit) continue;
    // One report per set of collections, at the first minute they meet.
    const key = `${group.profile}\0${group.endpoint}\0${group.ids.join(',')}`;
    if (!collisions.has(key)) collisions.set(key, { ...group, ids: [...group.ids].sort(), limit });
  }
  return [...collisions.values()];
}

function startTimes(expression: string, created: boolean): string[] {
  const parsed = parseSchedule(expression);
  if (!parsed.ok) return [];
  const schedule = parsed.schedule;
  if (schedule.kind === 'rate') return created ? [`together (${expression}, created by this apply)`] : [];
  const fires: string[] = [];
  let at = new Date(REFERENCE_WEEK - 60_000);
  for (;;) {
    const next = nextCronTime(schedule, at);
    if (next === undefined || next.getTime() >= REFERENCE_WEEK + WEEK_MS) break;
    if (fires.length >= MAX_FIRES) return [];
    const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][Math.floor((next.getTime() - REFERENCE_WEEK) / 86_400_000)] ?? '';
    fires.push(`${day} ${next.toISOString().slice(11, 16)} UTC`);
    at = next;
  }
  return fires;
}
