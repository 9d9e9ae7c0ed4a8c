/*
 * Scheduled collections of one credentials profile that start in the same minute share the app's
 * rate limit; when they need more than one window's requests, every harvest waits for the next
 * window (a Fargate task billed while it waits). The plan says so, and how to spread them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planText, planMarkdown } from '../../../cli/reporters/plan-report.js';
import type { DesiredCollection } from '../../../reconciler/plan/model.js';
import { plan } from '../../../reconciler/plan/plan.js';
import { scheduleCollisions } from '../../../reconciler/plan/schedule-collisions.js';
import { desired, searchBody, timelineBody } from './config-bodies.js';

const timeline = (id: string, schedule: string, users: number, credentials = 'default'): DesiredCollection =>
  desired(timelineBody(id, users, { schedule, credentials }));
const search = (id: string, schedule: string): DesiredCollection => desired(searchBody(id, { schedule }));

const many = (n: number, make: (i: number) => DesiredCollection): DesiredCollection[] => Array.from({ length: n }, (_, i) => make(i));
const NONE = new Set<string>();

describe('schedules that start together', () => {
  it('are reported when they need more of one endpoint than an app may ask for in 15 minutes', () => {
    const desired = many(100, (i) => timeline(`t${String(i).padStart(3, '0')}`, 'cron(0 6 * * ? *)', 150));
    const collisions = scheduleCollisions(desired, NONE);
    assert.equal(collisions.length, 1, 'one report for the set, not one per day it meets');
    const [collision] = collisions;
    assert.equal(collision?.profile, 'default');
    assert.equal(collision.endpoint, 'users/:id/tweets');
    assert.equal(collision.when, 'Mon 06:00 UTC');
    assert.equal(collision.ids.length, 100);
    assert.equal(collision.requests, 15_000);
    assert.equal(collision.limit, 10_000);
  });

  it('are not reported when they fit one window, start in different minutes, or use different profiles', () => {
    assert.deepEqual(
      scheduleCollisions(
        many(10, (i) => timeline(`t${i}`, 'cron(0 6 * * ? *)', 150)),
        NONE,
      ),
      [],
    );
    assert.deepEqual(
      scheduleCollisions(
        many(100, (i) => timeline(`t${i}`, `cron(${i % 60} ${6 + Math.floor(i / 60)} * * ? *)`, 150)),
        NONE,
      ),
      [],
    );
    assert.deepEqual(
      scheduleCollisions(
        many(100, (i) => timeline(`t${i}`, 'cron(0 6 * * ? *)', 150, `app${i % 2}`)),
        NONE,
      ),
      [],
    );
  });

  it('on different days of the week do not meet', () => {
    const desired = [
      ...many(60, (i) => timeline(`mon${i}`, 'cron(0 6 ? * MON *)', 150)),
      ...many(60, (i) => timeline(`tue${i}`, 'cron(0 6 ? * TUE *)', 150)),
    ];
    assert.deepEqual(scheduleCollisions(desired, NONE), []);
  });

  it('include rate schedules created by one apply (EventBridge counts a rate from when the rule is made)', () => {
    const desired = many(500, (i) => search(`s${i}`, 'rate(1 day)'));
    const created = new Set(desired.map((d) => d.id));
    const [collision] = scheduleCollisions(desired, created);
    assert.equal(collision?.endpoint, 'tweets/search/recent');
    assert.match(collision.when, /together \(rate\(1 day\), created by this apply\)/);
    assert.deepEqual(scheduleCollisions(desired, NONE), [], 'made at different times, they do not start together');
  });

  it('leave out schedules that fire every few minutes: they meet every other one and say nothing', () => {
    assert.deepEqual(
      scheduleCollisions(
        many(100, (i) => timeline(`t${i}`, 'cron(* * * * ? *)', 150)),
        NONE,
      ),
      [],
    );
  });

  it('are shown in the plan, as text and in the pull-request comment, with a way out', () => {
    const desired = many(80, (i) => timeline(`t${i}`, 'cron(0 6 * * ? *)', 200));
    const planned = plan(desired, { collections: new Map() }, { maxStops: 5, allowMassStop: false });
    const text = planText(planned, 'local', false);
    assert.match(
      text,
      /Warning: 80 collections on credentials "default" start Mon 06:00 UTC \(t0, t1, .* and 74 more\) and need at least 16,000 users\/:id\/tweets requests, more than the 10,000 X allows an app per 15 minutes/,
    );
    assert.match(text, /Spread them over different minutes/);
    assert.match(planMarkdown(planned, 'local'), /> \[!WARNING\]\n> Warning: 80 collections/);
  });
});
