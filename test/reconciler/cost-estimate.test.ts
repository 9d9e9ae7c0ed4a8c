/*
 * The plan's cost estimate as a pure function of the collections, what the plan changes, X's
 * counts and the settings: what each kind costs first and a month, what is not estimated and why,
 * and the month's total against the budget and the cap.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PRICES } from '../../platform/billing/prices.js';
import { costChanges, costEstimate, type CostInputs } from '../../reconciler/estimate/cost.js';
import type { DesiredCollection, PlannedAction } from '../../reconciler/plan/model.js';
import { runsPerMonth } from '../../reconciler/schedule/next-fire.js';
import { volumeQueries } from '../../reconciler/estimate/volume.js';

function desired(id: string, body: Record<string, unknown>, extra: Partial<DesiredCollection> = {}): DesiredCollection {
  return {
    id,
    state: 'active',
    hash: id,
    body: { id, credentials: 'default', output: { tweets_per_file: 1000, rotate_minutes: 60 }, labels: {}, ...body } as never,
    ...extra,
  };
}
function action(kind: PlannedAction['kind'], id: string, paths: string[] = []): PlannedAction {
  return { kind, id, type: 'search', changes: paths.map((path) => ({ path, old: 1, new: 2 })), steps: [], stops: false };
}

const NOW = Date.parse('2026-12-02T00:00:00Z');

const settings: CostInputs['settings'] = {
  accessLevel: 'pay_per_use',
  prices: DEFAULT_PRICES,
  pricesAsOf: '2026-12',
  postCap: 2_000_000,
  budgetUsd: 50,
};

/** The estimate of `collections` with `changed` changed and `weekly` counts; `more` sets the other inputs. */
function estimate(
  collections: DesiredCollection[],
  changed: string[],
  weekly: Array<[string, number | { reason: string }]> = [],
  more: Partial<CostInputs> = {},
) {
  return costEstimate({
    desired: collections,
    changed: new Set(changed),
    weekly: new Map(weekly),
    countsRequests: { recent: weekly.filter(([, w]) => typeof w === 'number').length, all: 0 },
    runsPerMonth,
    settings,
    ...more,
  });
}

describe('what moves a cost', () => {
  it('a new, resumed or adopted collection, and changes to what it reads; not its description or output', () => {
    const changed = costChanges({
      actions: [
        action('create', 'a'),
        action('resume', 'b'),
        action('update', 'c', ['/query']),
        action('update', 'd', ['/description', '/output/tweets_per_file']),
        action('update', 'e', ['/users/123']),
        action('suspend', 'f'),
        // As the plan's field changes name paths: an account added, a rule edited, a lookup's ids changed.
        action('update', 'g', ['users.456']),
        action('update', 'h', ['rules[0].value']),
        action('update', 'i', ['ids.count', 'ids.sha256']),
        action('update', 'j', ['labels.project']),
      ],
    });
    assert.deepEqual([...changed].sort(), ['a', 'b', 'c', 'e', 'g', 'h', 'i']);
  });
});

describe('the cost of each kind', () => {
  it('a search: the week recent search reaches first, the week scaled to a month after, max_records bounding both', () => {
    const result = estimate(
      [
        desired('s', { type: 'search', query: 'flood', archive: false }),
        desired('b', { type: 'search', query: 'x', archive: false, max_records: 1000 }),
      ],
      ['s', 'b'],
      [
        ['s', 7000],
        ['b', 7000],
      ],
    );
    const [s, b] = result.collections;
    assert.deepEqual([s?.first?.posts, s?.first?.usd, s?.monthly?.posts, s?.monthly?.usd], [7000, 35, 30_440, 152.2]);
    assert.deepEqual([b?.first?.posts, b?.monthly?.posts], [1000, 1000]);
  });

  it('a full-archive search reaching back past the week: its first harvest from the full-archive counts, or why not', () => {
    const archive = desired('a', { type: 'search', query: 'flood', archive: true, start_time: '2026-01-01T00:00:00Z' });
    const priced = estimate([archive], ['a'], [['a', 700]], {
      reachBack: new Map([['a', 80_000]]),
      countsRequests: { recent: 1, all: 11 },
    });
    assert.deepEqual([priced.collections[0]?.first?.posts, priced.collections[0]?.first?.usd], [80_000, 400]);
    assert.match(priced.collections[0]?.first?.how ?? '', /full-archive counts back to its start_time/);
    // One recent count at $0.005, eleven pages of full-archive counts at $0.010.
    assert.equal(priced.estimate.usd, 0.115);
    const unknown = estimate([archive], ['a'], [['a', 700]], { reachBack: new Map([['a', { reason: 'not counted: timeout' }]]) })
      .collections[0];
    assert.equal(unknown?.first, undefined);
    assert.equal(unknown?.note, 'a first harvest back to its start_time: not counted: timeout');
  });

  it("a collection's own budget bounds its month: its harvests stop before passing it", () => {
    const [s] = estimate(
      [desired('s', { type: 'search', query: 'flood', archive: false, budget: { monthly_usd: 25 } })],
      ['s'],
      [['s', 7000]],
    ).collections;
    assert.deepEqual([s?.first?.usd, s?.monthly?.usd], [25, 25]);
    assert.match(s?.monthly?.how ?? '', /bounded by its budget of \$25\.00 a month$/);
  });

  it('a stream: no first harvest, a month from its rules’ counts', () => {
    const [f] = estimate([desired('f', { type: 'filter', rules: [{ value: 'heat' }] })], ['f'], [['f', 700]]).collections;
    assert.deepEqual([f?.first?.usd, f?.monthly?.posts, f?.monthly?.usd], [0, 3044, 15.22]);
  });

  it('a timeline: each account’s newest min(tweet_count, 3,200) and one look-up first; its posting rate and daily look-ups a month', () => {
    const timeline = desired(
      't',
      { type: 'user_timeline', schedule: 'rate(1 hour)', users: { '1': { screen_name: 'a' }, '2': { screen_name: 'b' } } },
      {
        lookedUp: {
          '1': { on: '2026-12-07', tweet_count: 100, posts_per_day: 2 },
          '2': { on: '2026-12-07', tweet_count: 90_000, posts_per_day: 10 },
        },
      },
    );
    const [t] = estimate([timeline], ['t']).collections;
    // 100 + 3,200 posts and 2 users first; 12 posts a day x 30.44, and 2 accounts looked up 30.44 times (hourly harvests, daily look-ups).
    assert.deepEqual([t?.first?.posts, t?.first?.users, t?.first?.usd], [3300, 2, 16.52]);
    assert.deepEqual([t?.monthly?.posts, t?.monthly?.users], [365, 61]);
    assert.equal(t?.note, undefined);
  });

  it('a timeline’s months from the posting rates its harvests observed between look-ups, over the lifetime averages', () => {
    const timeline = desired(
      't',
      { type: 'user_timeline', schedule: 'rate(1 day)', users: { '1': { screen_name: 'a' }, '2': { screen_name: 'b' } } },
      { lookedUp: { '1': { on: '2026-12-01', tweet_count: 100, posts_per_day: 2 } } },
    );
    const [t] = estimate([timeline], ['t'], [], { observedRates: new Map([['t', { '1': 20, '2': 5 }]]) }).collections;
    // 25 posts a day x 30.44, not the lifetime 2 of account 1; account 2 has a rate though users add never saw it.
    assert.ok(t?.monthly);
    assert.equal(t.monthly.posts, 761);
    assert.match(t.monthly.how, /\(as harvests observed them\)/);
  });

  it('a timeline that gains accounts: a first harvest of the new ones only', () => {
    const timeline = desired(
      't',
      { type: 'user_timeline', schedule: 'rate(1 day)', users: { '1': { screen_name: 'a' }, '2': { screen_name: 'b' } } },
      { lookedUp: { '2': { on: '2026-12-01', tweet_count: 500, posts_per_day: 2 } } },
    );
    const [t] = estimate([timeline], ['t'], [], { harvestedAccounts: new Map([['t', new Set(['1'])]]) }).collections;
    assert.ok(t?.first);
    assert.deepEqual([t.first.posts, t.first.users, t.first.usd], [500, 1, 2.51]);
    assert.match(t.first.how, /\(1 harvested before: none of theirs\)$/);
  });

  it('a timeline never looked up: priced at 3,200 posts an account first, and no monthly figure, saying so', () => {
    const [t] = estimate(
      [desired('t', { type: 'user_timeline', schedule: 'rate(1 day)', users: { '1': { screen_name: 'a' } } })],
      ['t'],
    ).collections;
    assert.ok(t);
    assert.equal(t.first?.posts, 3200);
    assert.equal(t.monthly, undefined);
    assert.match(t.note ?? '', /1 of 1 accounts with no posting rate yet \(never looked up\): no monthly figure/);
  });
});

describe('the month’s total', () => {
  it('first harvests of what changed, a month of everything active, and the counts requests, against the budget and the cap', () => {
    const result = estimate(
      [
        desired('new', { type: 'search', query: 'flood', archive: false }),
        desired('old', { type: 'search', query: 'drought', archive: false }),
        desired('off', { type: 'search', query: 'x', archive: false }, { state: 'suspended' }),
      ],
      ['new'],
      [
        ['new', 7000],
        ['old', 700],
      ],
    );
    assert.deepEqual(
      result.collections.map((c) => c.id),
      ['new', 'old'],
      'suspended collections cost nothing',
    );
    // first: 7,000 x $0.005; a month: (30,440 + 3,044) x $0.005; two counts requests at $0.005.
    assert.deepEqual([result.firstHarvestsUsd, result.monthlyUsd, result.estimate.usd, result.thisMonthUsd], [35, 167.42, 0.01, 202.43]);
    assert.equal(result.overBudget, true);
    assert.equal(result.thisMonthPosts, 7000 + 30_440 + 3044);
    assert.equal(result.overCap, false);
  });

  it('leaves out, and names, what could not be counted, instead of counting it as nothing', () => {
    const result = estimate(
      [desired('s', { type: 'search', query: 'flood', archive: false })],
      ['s'],
      [['s', { reason: 'not counted: timeout' }]],
    );
    assert.deepEqual(result.notEstimated, ['s']);
    assert.equal(result.collections[0]?.note, 'not counted: timeout');
    assert.equal(result.overBudget, false);
  });
});

describe('how often a schedule runs in a month', () => {
  it('by a rate’s period, by a cron’s fires, and never without a schedule', () => {
    assert.equal(Math.round(runsPerMonth('rate(1 hour)') * 10) / 10, 730.6);
    assert.equal(Math.round(runsPerMonth('rate(1 day)') * 100) / 100, 30.44);
    assert.equal(Math.round(runsPerMonth('cron(0 6 * * ? *)') * 100) / 100, 30.44);
    assert.equal(Math.round(runsPerMonth('cron(0 3 ? * MON *)') * 100) / 100, 4.35);
    assert.equal(runsPerMonth(undefined), 0);
  });
});

describe('what the estimate counts', () => {
  const stream = desired('f', {
    type: 'filter',
    rules: [{ value: 'a'.repeat(200) }, { value: 'b'.repeat(200) }, { value: 'c'.repeat(200) }],
  });

  it('every active search by its query and filter collection by its rules, OR-ed into queries that fit the query length', () => {
    const queries = volumeQueries(
      [
        desired('s', { type: 'search', query: 'flood', archive: false }),
        stream,
        desired('p', { type: 'search', query: 'x' }, { state: 'suspended' }),
      ],
      512,
      NOW,
    );
    assert.deepEqual(
      queries.map((q) => [q.id, q.queries]),
      [
        ['s', ['flood']],
        ['f', [`(${'a'.repeat(200)}) OR (${'b'.repeat(200)})`, `(${'c'.repeat(200)})`]],
      ],
    );
  });

  it('marks a full-archive search whose start_time lies before the week, and no other', () => {
    const searches = [
      desired('old', { type: 'search', query: 'x', archive: true, start_time: '2026-01-01T00:00:00Z', end_time: '2026-06-01T00:00:00Z' }),
      desired('recent', { type: 'search', query: 'x', archive: false, start_time: '2026-01-01T00:00:00Z' }),
      desired('week', { type: 'search', query: 'x', archive: true, start_time: '2026-11-30T00:00:00Z' }),
    ];
    assert.deepEqual(
      volumeQueries(searches, 512, NOW).map((q) => [q.id, q.reachesBack]),
      [
        ['old', { start: '2026-01-01T00:00:00Z', end: '2026-06-01T00:00:00Z' }],
        ['recent', undefined],
        ['week', undefined],
      ],
    );
  });

  it('names a rule too long for a count query instead of counting part of it', () => {
    assert.match(volumeQueries([stream], 150, NOW)[0]?.uncountable ?? '', /longer than the 150 characters/);
  });
});
