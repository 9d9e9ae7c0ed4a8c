import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan, type PlanOptions } from '../../../reconciler/plan/plan.js';
import type { LiveCollection, LiveState, Runtime } from '../../../reconciler/plan/model.js';
import { bodyHash, type ConfigBody } from '../../../reconciler/plan/render-config.js';
import { desired, filterBody, searchBody } from './config-bodies.js';

const OPTIONS: PlanOptions = { maxStops: 5, allowMassStop: false };

function live(body: ConfigBody, state: LiveCollection['state'], runtime: Runtime, withBody = true): LiveCollection {
  return { id: body.id, type: body.type, state, hash: bodyHash(body), ...(withBody ? { body } : {}), runtime };
}

function liveState(...collections: LiveCollection[]): LiveState {
  return { collections: new Map(collections.map((c) => [c.id, c])) };
}

const scheduled = (expression = 'rate(1 hour)', enabled = true): Runtime => ({ schedule: { expression, enabled } });
/** A filter collection streaming in its profile's stream group (profile `default`). */
const serving: Runtime = { streamGroup: { group: 'default' } };

describe('plan()', () => {
  it('creates a new scheduled collection: config, then an enabled schedule', () => {
    const result = plan([desired(searchBody('a'))], liveState(), OPTIONS);
    assert.equal(result.actions.length, 1);
    const [action] = result.actions;
    assert.equal(action?.kind, 'create');
    assert.deepEqual(action.steps, [{ kind: 'put-schedule', expression: 'rate(1 hour)', enabled: true }]);
    assert.ok(action.changes.some((c) => c.path === 'query' && c.new === 'climate'));
    assert.equal(result.counts.create, 1);
  });

  it("creates a filter collection as a member of its profile's stream group, which starts; a suspended one joins nothing", () => {
    const result = plan([desired(filterBody('f')), desired(filterBody('g'), 'suspended')], liveState(), OPTIONS);
    assert.deepEqual(
      result.actions.map((a) => [a.id, a.kind, a.steps]),
      [
        ['f', 'create', [{ kind: 'join-stream-group', group: 'default' }]],
        ['g', 'create', []],
      ],
    );
    assert.deepEqual(result.streamGroups, [{ kind: 'start-stream-group', group: 'default', members: ['f'] }]);
  });

  it('plans nothing when git and the live system agree', () => {
    const body = searchBody('a');
    const result = plan([desired(body)], liveState(live(body, 'active', scheduled(), false)), OPTIONS);
    assert.deepEqual(result.actions, []);
  });

  for (const [field, change] of [
    ['query', { query: 'weather' }],
    ['archive', { archive: true }],
    ['max_records', { max_records: 10 }],
    ['credentials', { credentials: 'other' }],
    ['labels.team', { labels: { team: 'x' } }],
    ['output.rotate_minutes', { output: { tweets_per_file: 250000, rotate_minutes: 5 } }],
  ] as const) {
    it(`updates a changed ${field} with its old and new value`, () => {
      const before = searchBody('a');
      const result = plan([desired(searchBody('a', change))], liveState(live(before, 'active', scheduled())), OPTIONS);
      assert.equal(result.actions[0]?.kind, 'update');
      assert.ok(
        result.actions[0].changes.some((c) => c.path === field),
        JSON.stringify(result.actions[0].changes),
      );
      assert.deepEqual(result.actions[0].steps, []);
    });
  }

  it('updates a schedule in place when its expression changes', () => {
    const result = plan(
      [desired(searchBody('a', { schedule: 'rate(5 minutes)' }))],
      liveState(live(searchBody('a'), 'active', scheduled())),
      OPTIONS,
    );
    assert.deepEqual(result.actions[0]?.steps, [{ kind: 'put-schedule', expression: 'rate(5 minutes)', enabled: true }]);
    assert.deepEqual(result.actions[0].changes, [{ path: 'schedule', old: 'rate(1 hour)', new: 'rate(5 minutes)' }]);
  });

  it('deletes the schedule of a collection that no longer has one', () => {
    const body = searchBody('a');
    const { schedule, ...unscheduled } = body;
    assert.ok(schedule);
    const result = plan([desired(unscheduled)], liveState(live(body, 'active', scheduled())), OPTIONS);
    assert.deepEqual(
      result.actions[0]?.steps.map((s) => s.kind),
      ['stop-harvests', 'delete-schedule'],
    );
  });

  it("changes a streaming collection's rules on its group's open connection", () => {
    const result = plan(
      [desired(filterBody('f', { rules: [{ value: 'weather' }] }))],
      liveState(live(filterBody('f'), 'active', serving)),
      OPTIONS,
    );
    assert.equal(result.actions[0]?.kind, 'update');
    assert.deepEqual(result.actions[0].steps, [
      { kind: 'change-stream-rules', group: 'default', added: ['weather'], removed: ['climate'] },
    ]);
    assert.deepEqual(result.actions[0].changes, [{ path: 'rules[0].value', old: 'climate', new: 'weather' }]);
  });

  it('suspends: disables the schedule, stops what runs, keeps the config', () => {
    const body = searchBody('a');
    const result = plan([desired(body, 'suspended')], liveState(live(body, 'active', scheduled())), OPTIONS);
    assert.equal(result.actions[0]?.kind, 'suspend');
    assert.deepEqual(result.actions[0].steps, [
      { kind: 'stop-harvests' },
      { kind: 'put-schedule', expression: 'rate(1 hour)', enabled: false },
    ]);
    assert.equal(result.actions[0].stops, true);
  });

  it('suspends a stream: its harvest stops and it leaves its group, whose connection stops with its last member', () => {
    const body = filterBody('f');
    const result = plan([desired(body, 'suspended')], liveState(live(body, 'active', serving)), OPTIONS);
    assert.deepEqual(
      result.actions[0]?.steps.map((s) => s.kind),
      ['stop-harvests', 'leave-stream-group'],
    );
    assert.deepEqual(result.streamGroups, [{ kind: 'stop-stream-group', group: 'default', members: [] }]);
  });

  it('resumes a suspended collection, and a removed one whose file came back', () => {
    const body = filterBody('f');
    const result = plan(
      [desired(body), desired(searchBody('a'))],
      liveState(live(body, 'suspended', {}), live(searchBody('a'), 'removed', {})),
      OPTIONS,
    );
    assert.deepEqual(
      result.actions.map((a) => [a.id, a.kind, a.steps.map((s) => s.kind)]),
      [
        ['a', 'resume', ['put-schedule']],
        ['f', 'resume', ['join-stream-group']],
      ],
    );
  });

  it('removes a collection whose file is gone: stops harvests and its runtime, keeps data', () => {
    const result = plan([], liveState(live(filterBody('f'), 'active', serving), live(searchBody('a'), 'active', scheduled())), OPTIONS);
    assert.deepEqual(
      result.actions.map((a) => [a.id, a.kind, a.steps.map((s) => s.kind)]),
      [
        ['a', 'remove', ['stop-harvests', 'delete-schedule']],
        ['f', 'remove', ['stop-harvests', 'leave-stream-group']],
      ],
    );
    assert.ok(result.actions.every((a) => a.desired === undefined));
  });

  it('does not remove again what is removed already', () => {
    assert.deepEqual(plan([], liveState(live(searchBody('a'), 'removed', {})), OPTIONS).actions, []);
  });

  it('adopts live resources that match but lack ownership tags, instead of duplicating them', () => {
    const body = searchBody('a');
    const result = plan([desired(body)], liveState(live(body, 'active', { ...scheduled(), owner: 'untagged' })), OPTIONS);
    assert.equal(result.actions[0]?.kind, 'adopt');
    assert.deepEqual(
      result.actions[0].steps,
      [{ kind: 'put-schedule', expression: 'rate(1 hour)', enabled: true }],
      'the schedule is put again, with our tags',
    );
  });

  it('refuses a plan that stops more collections than the guard allows, unless allowed', () => {
    const lives = ['a', 'b', 'c'].map((id) => live(searchBody(id), 'active', scheduled()));
    const guarded = plan([], liveState(...lives), { maxStops: 2, allowMassStop: false });
    assert.deepEqual(guarded.refused, { stops: 3, limit: 2 });
    assert.equal(plan([], liveState(...lives), { maxStops: 2, allowMassStop: true }).refused, undefined);
    assert.equal(plan([], liveState(...lives), { maxStops: 3, allowMassStop: false }).refused, undefined);
  });

  it('does not count removing a suspended collection as a stop', () => {
    const lives = ['a', 'b', 'c'].map((id) => live(searchBody(id), 'suspended', scheduled('rate(1 hour)', false)));
    assert.equal(plan([], liveState(...lives), { maxStops: 1, allowMassStop: false }).refused, undefined);
  });

  it('combines: create, update, suspend, resume and remove in one plan, ordered by id', () => {
    const result = plan(
      [
        desired(searchBody('c')),
        desired(searchBody('u', { query: 'new' })),
        desired(searchBody('s'), 'suspended'),
        desired(searchBody('r')),
      ],
      liveState(
        live(searchBody('u'), 'active', scheduled()),
        live(searchBody('s'), 'active', scheduled()),
        live(searchBody('r'), 'suspended', scheduled('rate(1 hour)', false)),
        live(searchBody('x'), 'active', scheduled()),
      ),
      OPTIONS,
    );
    assert.deepEqual(
      result.actions.map((a) => `${a.kind} ${a.id}`),
      ['create c', 'resume r', 'suspend s', 'update u', 'remove x'],
    );
    assert.deepEqual(result.counts, { create: 1, update: 1, suspend: 1, resume: 1, remove: 1, adopt: 0 });
  });
});

describe('plan() and resources it does not own', () => {
  it("never removes a live resource without the deployment's tags", () => {
    const unowned: LiveCollection = {
      id: 'theirs',
      type: 'search',
      state: 'active',
      hash: '',
      runtime: { ...scheduled(), owner: 'untagged' },
    };
    assert.deepEqual(plan([], liveState(unowned), OPTIONS).actions, []);
  });

  it('never removes, adopts or changes a resource tagged for someone else', () => {
    const foreign: LiveCollection = {
      id: 'theirs',
      type: 'search',
      state: 'active',
      hash: '',
      runtime: {
        ...scheduled(),
        owner: 'foreign',
        foreign: 'the EventBridge rule t-theirs is tagged for collection theirs of deployment other',
      },
    };
    assert.deepEqual(plan([], liveState(foreign), OPTIONS), {
      actions: [],
      counts: { create: 0, update: 0, suspend: 0, resume: 0, remove: 0, adopt: 0 },
    });
    const wanted = plan([desired(searchBody('theirs'))], liveState(foreign), OPTIONS);
    assert.deepEqual(wanted.actions, [], 'a collection that wants it is not adopted onto it');
    assert.deepEqual(wanted.conflicts, [
      { id: 'theirs', detail: 'the EventBridge rule t-theirs is tagged for collection theirs of deployment other' },
    ]);
  });
});

describe('plan() and harvester releases', () => {
  it("rolls a stream group onto a new harvester release (its members' records say so), and leaves an unchanged one alone", () => {
    const body = filterBody('f');
    const running = live(body, 'active', { streamGroup: { group: 'default', release: 'harvester:1' } }, false);
    const rolled = plan([desired(body)], liveState(running), { ...OPTIONS, release: 'harvester:2' });
    assert.deepEqual(
      rolled.actions.map((a) => [a.kind, a.steps, a.changes]),
      [['update', [], [{ path: '(harvester release)', old: 'harvester:1', new: 'harvester:2' }]]],
    );
    assert.deepEqual(rolled.streamGroups, [{ kind: 'roll-stream-group', group: 'default', members: ['f'] }]);
    const unchanged = plan([desired(body)], liveState(running), { ...OPTIONS, release: 'harvester:1' });
    assert.deepEqual([unchanged.actions, unchanged.streamGroups], [[], undefined]);
  });

  it('re-points every schedule, enabled or not, onto a new harvester release, so that none names a revision that is gone', () => {
    const on = live(searchBody('on'), 'active', { schedule: { expression: 'rate(1 hour)', enabled: true, release: 'harvester:1' } }, false);
    const off = live(
      searchBody('off'),
      'suspended',
      { schedule: { expression: 'rate(1 hour)', enabled: false, release: 'harvester:1' } },
      false,
    );
    const older = live(searchBody('older'), 'active', scheduled(), false);
    const moved = plan(
      [desired(searchBody('on')), desired(searchBody('off'), 'suspended'), desired(searchBody('older'))],
      liveState(on, off, older),
      {
        ...OPTIONS,
        release: 'harvester:2',
      },
    );
    assert.deepEqual(
      moved.actions.map((a) => [a.id, a.kind, a.steps, a.changes]),
      [
        [
          'off',
          'update',
          [{ kind: 'put-schedule', expression: 'rate(1 hour)', enabled: false }],
          [{ path: '(harvester release)', old: 'harvester:1', new: 'harvester:2' }],
        ],
        [
          'older',
          'update',
          [{ kind: 'put-schedule', expression: 'rate(1 hour)', enabled: true }],
          [{ path: '(harvester release)', old: '(not recorded)', new: 'harvester:2' }],
        ],
        [
          'on',
          'update',
          [{ kind: 'put-schedule', expression: 'rate(1 hour)', enabled: true }],
          [{ path: '(harvester release)', old: 'harvester:1', new: 'harvester:2' }],
        ],
      ],
    );
    assert.equal(moved.counts.suspend, 0, 'moving is not stopping');
  });

  it("starts a new schedule's first harvest at once where the target can (initialRun), never a suspended one's, never on update", () => {
    const first = plan([desired(searchBody('a')), desired(searchBody('b'), 'suspended'), desired(filterBody('f'))], liveState(), {
      ...OPTIONS,
      initialRun: true,
    });
    assert.deepEqual(
      first.actions.map((a) => [a.id, a.steps.map((s) => s.kind)]),
      [
        ['a', ['put-schedule', 'start-harvest']],
        ['b', ['put-schedule']],
        ['f', ['join-stream-group']],
      ],
    );
    const changed = plan(
      [desired(searchBody('a', { schedule: 'rate(2 hours)' }))],
      liveState(live(searchBody('a'), 'active', scheduled())),
      {
        ...OPTIONS,
        initialRun: true,
      },
    );
    assert.deepEqual(
      changed.actions[0]?.steps.map((s) => s.kind),
      ['put-schedule'],
    );
    assert.deepEqual(
      plan([desired(searchBody('a'))], liveState(), OPTIONS).actions[0]?.steps.map((s) => s.kind),
      ['put-schedule'],
    );
  });

  it('ends the stream of a filter collection that has stored its max_records, and starts it again when max_records is raised', () => {
    const body = filterBody('f', { max_records: 1000 });
    const done = { ...live(body, 'active', { streamGroup: { group: 'default', release: 'harvester:1' } }, false), complete: true };
    const ended = plan([desired(body)], liveState(done), { ...OPTIONS, release: 'harvester:1' });
    assert.deepEqual(
      ended.actions.map((a) => [a.kind, a.complete, a.stops, a.steps.map((s) => s.kind), a.changes]),
      [['update', true, false, ['stop-harvests', 'leave-stream-group'], [{ path: '(max_records reached)', old: false, new: true }]]],
    );
    assert.equal(ended.counts.suspend, 0);
    // Once ended (the index records it complete, so in no group), nothing more: not even on a new release.
    const ended2 = { ...live(body, 'active', {}, false), complete: true };
    assert.deepEqual(plan([desired(body)], liveState(ended2), { ...OPTIONS, release: 'harvester:2' }).actions, []);
    const raised = filterBody('f', { max_records: 5000 });
    const resumed = plan([desired(raised)], liveState({ ...live(body, 'active', {}, true) }), { ...OPTIONS, release: 'harvester:2' });
    assert.deepEqual(
      resumed.actions.map((a) => [a.kind, a.steps.map((s) => s.kind), a.complete]),
      [['update', ['join-stream-group'], undefined]],
    );
  });
});
