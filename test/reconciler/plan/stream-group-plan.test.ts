import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan, type PlanOptions } from '../../../reconciler/plan/plan.js';
import type { LiveCollection, LiveState } from '../../../reconciler/plan/model.js';
import { bodyHash, type ConfigBody } from '../../../reconciler/plan/render-config.js';
import { actionLines } from '../../../cli/reporters/plan-report.js';
import { desired, filterBody } from './config-bodies.js';

const GROUPED: PlanOptions = { maxStops: 5, allowMassStop: false };

/** A filter collection live as a member of its profile's stream group. */
function streaming(body: ConfigBody, withBody = true): LiveState {
  const live: LiveCollection = {
    id: body.id,
    type: body.type,
    state: 'active',
    hash: bodyHash(body),
    ...(withBody ? { body } : {}),
    runtime: { streamGroup: { group: body.type === 'filter' ? body.credentials : '' } },
  };
  return { collections: new Map([[live.id, live]]) };
}

describe('plan() of stream groups', () => {
  it("has a new filter collection join its profile's group instead of starting a stream", () => {
    const result = plan([desired(filterBody('f', { credentials: 'research-app' }))], { collections: new Map() }, GROUPED);
    assert.deepEqual(result.actions[0]?.steps, [{ kind: 'join-stream-group', group: 'research-app' }]);
  });

  it('changes the rules on the open connection when they are edited, and says which, instead of restarting', () => {
    const before = filterBody('f', { rules: [{ value: 'climate' }, { value: 'weather' }] });
    const after = filterBody('f', { rules: [{ value: 'climate' }, { value: 'storm' }] });
    const result = plan([desired(after)], streaming(before), GROUPED);
    assert.deepEqual(result.actions[0]?.steps, [{ kind: 'change-stream-rules', group: 'default', added: ['storm'], removed: ['weather'] }]);
    assert.match(
      actionLines(result.actions[0]).details.at(-1) ?? '',
      /rules changed on stream group "default"'s open connection \(kept, no reconnect\): \+ "storm", - "weather"/,
    );
  });

  it("stops a removed collection's harvest through the stop protocol and has it leave the group", () => {
    const result = plan([], streaming(filterBody('f'), false), GROUPED);
    assert.equal(result.actions[0]?.kind, 'remove');
    assert.deepEqual(result.actions[0].steps, [{ kind: 'stop-harvests' }, { kind: 'leave-stream-group', group: 'default' }]);
  });

  it('leaves a member of a group alone when nothing changed, and ends a complete one in its group', () => {
    const body = filterBody('f', { max_records: 10 });
    assert.deepEqual(plan([desired(body)], streaming(body), GROUPED).actions, []);
    const live = streaming(body).collections.get('f');
    assert.ok(live);
    const complete = plan([desired(body)], { collections: new Map([['f', { ...live, complete: true }]]) }, GROUPED);
    assert.deepEqual(complete.actions[0]?.steps, [{ kind: 'stop-harvests' }, { kind: 'leave-stream-group', group: 'default' }]);
  });

  it('moves a collection whose credentials change from one group to the other', () => {
    const result = plan([desired(filterBody('f', { credentials: 'other' }))], streaming(filterBody('f')), GROUPED);
    assert.deepEqual(result.actions[0]?.steps, [
      { kind: 'stop-harvests' },
      { kind: 'leave-stream-group', group: 'default' },
      { kind: 'join-stream-group', group: 'other' },
    ]);
  });

  it("starts a profile's group with its first member, keeps it while members remain, and stops it after the last", () => {
    const one = filterBody('one');
    const two = filterBody('two', { rules: [{ value: 'weather' }] });
    assert.deepEqual(plan([desired(one), desired(two)], { collections: new Map() }, GROUPED).streamGroups, [
      { kind: 'start-stream-group', group: 'default', members: ['one', 'two'] },
    ]);
    const both: LiveState = { collections: new Map([...streaming(one).collections, ...streaming(two).collections]) };
    assert.equal(plan([desired(one)], both, GROUPED).streamGroups, undefined, 'one member left: the group runs on');
    assert.deepEqual(plan([], both, GROUPED).streamGroups, [{ kind: 'stop-stream-group', group: 'default', members: [] }]);
    assert.deepEqual(plan([desired(one, 'suspended')], streaming(one), GROUPED).streamGroups, [
      { kind: 'stop-stream-group', group: 'default', members: [] },
    ]);
  });

  it('rolls a group onto a new harvester release, and starts one the target lists as gone', () => {
    const body = filterBody('f');
    const onOld: LiveState = {
      collections: new Map([
        [
          'f',
          { ...(streaming(body).collections.get('f') as LiveCollection), runtime: { streamGroup: { group: 'default', release: 'h:1' } } },
        ],
      ]),
    };
    assert.deepEqual(plan([desired(body)], onOld, { ...GROUPED, release: 'h:2' }).streamGroups, [
      { kind: 'roll-stream-group', group: 'default', members: ['f'] },
    ]);
    const listed: LiveState = { ...streaming(body), streamGroups: new Map() };
    assert.deepEqual(
      plan([desired(body)], listed, GROUPED).streamGroups,
      [{ kind: 'start-stream-group', group: 'default', members: ['f'] }],
      'a group the target lists as gone is started again, whatever the index says',
    );
  });

  it('starts again a group that ended its own service when every member was complete, once a new member joins', () => {
    const done = filterBody('done', { max_records: 10 });
    const fresh = filterBody('fresh', { rules: [{ value: 'weather' }] });
    const live = streaming(done).collections.get('done') as LiveCollection;
    const allComplete: LiveState = { collections: new Map([['done', { ...live, complete: true }]]) };
    assert.deepEqual(
      plan([desired(done), desired(fresh)], allComplete, GROUPED).streamGroups,
      [{ kind: 'start-stream-group', group: 'default', members: ['fresh'] }],
      'from the index: every recorded member is complete, so the group has ended its service',
    );
    assert.deepEqual(
      plan([desired(done)], allComplete, GROUPED).streamGroups,
      [{ kind: 'stop-stream-group', group: 'default', members: [] }],
      'and with no new member, its service goes',
    );
    const halfComplete: LiveState = { collections: new Map([...allComplete.collections, ...streaming(fresh).collections]) };
    assert.equal(plan([desired(done), desired(fresh)], halfComplete, GROUPED).streamGroups, undefined, 'a member streams on: it runs');
    const listedEnded: LiveState = { ...streaming(fresh), streamGroups: new Map([['default', { ended: true }]]) };
    assert.deepEqual(
      plan([desired(fresh)], listedEnded, GROUPED).streamGroups,
      [{ kind: 'start-stream-group', group: 'default', members: ['fresh'] }],
      'a group service the target lists at desired count 0 is started again',
    );
  });
});
