/*
 * A collection file's `compliance: { schedule }` in the plan: a schedule of its own beside the
 * harvest's, kept while the collection is suspended, deleted with the collection, moved onto a new
 * harvester release like the harvest's, and never a reason to restart a stream.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan, runtimeFor, type PlanOptions } from '../../../reconciler/plan/plan.js';
import type { LiveCollection, LiveState, Runtime } from '../../../reconciler/plan/model.js';
import { bodyHash, type ConfigBody } from '../../../reconciler/plan/render-config.js';
import { desired, filterBody, searchBody } from './config-bodies.js';

const OPTIONS: PlanOptions = { maxStops: 5, allowMassStop: false };
const WEEKLY = { compliance: { schedule: 'rate(7 days)' } };

function live(body: ConfigBody, state: LiveCollection['state'], runtime: Runtime): LiveCollection {
  return { id: body.id, type: body.type, state, hash: bodyHash(body), body, runtime };
}

const liveState = (...collections: LiveCollection[]): LiveState => ({ collections: new Map(collections.map((c) => [c.id, c])) });

/** The runtime apply leaves for a body, as the index records it. */
function applied(body: ConfigBody, state: 'active' | 'suspended', extra: { release?: string; stream_group?: string } = {}): Runtime {
  return runtimeFor({
    type: body.type,
    state,
    ...(body.schedule !== undefined ? { schedule: body.schedule } : {}),
    ...(body.compliance !== undefined ? { compliance_schedule: body.compliance.schedule } : {}),
    ...extra,
  });
}

const stepsOf = (result: ReturnType<typeof plan>): Array<[string, string, unknown[]]> =>
  result.actions.map((a) => [a.id, a.kind, a.steps.map((s) => ('expression' in s ? `${s.kind} ${s.expression}` : s.kind))]);

describe('plan() with compliance schedules', () => {
  it('creates a collection with its harvest schedule and its compliance schedule', () => {
    const result = plan([desired(searchBody('a', WEEKLY))], liveState(), OPTIONS);
    assert.deepEqual(stepsOf(result), [['a', 'create', ['put-schedule rate(1 hour)', 'put-compliance-schedule rate(7 days)']]]);
    assert.ok(result.actions[0]?.changes.some((c) => c.path === 'compliance' && JSON.stringify(c.new) === '{"schedule":"rate(7 days)"}'));
  });

  it('adds, changes and removes the compliance schedule of an existing collection, touching nothing else', () => {
    const plain = searchBody('a');
    const weekly = searchBody('a', WEEKLY);
    const daily = searchBody('a', { compliance: { schedule: 'rate(1 day)' } });
    const added = plan([desired(weekly)], liveState(live(plain, 'active', applied(plain, 'active'))), OPTIONS);
    assert.deepEqual(stepsOf(added), [['a', 'update', ['put-compliance-schedule rate(7 days)']]]);
    const changed = plan([desired(daily)], liveState(live(weekly, 'active', applied(weekly, 'active'))), OPTIONS);
    assert.deepEqual(stepsOf(changed), [['a', 'update', ['put-compliance-schedule rate(1 day)']]]);
    assert.deepEqual(changed.actions[0]?.changes, [{ path: 'compliance.schedule', old: 'rate(7 days)', new: 'rate(1 day)' }]);
    const dropped = plan([desired(plain)], liveState(live(weekly, 'active', applied(weekly, 'active'))), OPTIONS);
    assert.deepEqual(stepsOf(dropped), [['a', 'update', ['delete-compliance-schedule']]]);
    const same = plan([desired(weekly)], liveState(live(weekly, 'active', applied(weekly, 'active'))), OPTIONS);
    assert.deepEqual(same.actions, [], 'nothing to do when the live schedule matches');
    const found = applied(weekly, 'active');
    const disabledByHand: Runtime = { ...found, ...(found.compliance ? { compliance: { ...found.compliance, disabled: true } } : {}) };
    const reenabled = plan([desired(weekly)], liveState(live(weekly, 'active', disabledByHand)), OPTIONS);
    assert.deepEqual(
      stepsOf(reenabled),
      [['a', 'update', ['put-compliance-schedule rate(7 days)']]],
      'a rule disabled by hand is put again',
    );
  });

  it('keeps the compliance schedule of a suspended collection (its data still honours deletions), and deletes it with the collection', () => {
    const weekly = searchBody('a', WEEKLY);
    const suspended = plan([desired(weekly, 'suspended')], liveState(live(weekly, 'active', applied(weekly, 'active'))), OPTIONS);
    assert.deepEqual(stepsOf(suspended), [['a', 'suspend', ['stop-harvests', 'put-schedule rate(1 hour)']]]);
    assert.deepEqual(suspended.actions[0]?.steps.at(-1), { kind: 'put-schedule', expression: 'rate(1 hour)', enabled: false });
    const removed = plan([], liveState(live(weekly, 'suspended', applied(weekly, 'suspended'))), OPTIONS);
    assert.deepEqual(stepsOf(removed), [['a', 'remove', ['stop-harvests', 'delete-schedule', 'delete-compliance-schedule']]]);
  });

  it('a filter collection: adding compliance does not restart its stream or touch its group rules; a rules edit still does', () => {
    const stream = filterBody('f');
    const checked = filterBody('f', WEEKLY);
    const member = applied(stream, 'active', { stream_group: 'default' });
    const inGroup = plan([desired(checked)], liveState(live(stream, 'active', member)), OPTIONS);
    assert.deepEqual(stepsOf(inGroup), [['f', 'update', ['put-compliance-schedule rate(7 days)']]]);
    const edited = plan(
      [desired(filterBody('f', { ...WEEKLY, rules: [{ value: 'weather' }] }))],
      liveState(live(stream, 'active', member)),
      OPTIONS,
    );
    assert.deepEqual(stepsOf(edited), [['f', 'update', ['put-compliance-schedule rate(7 days)', 'change-stream-rules']]]);
  });

  it('moves the compliance schedule onto a new harvester release, as the harvest schedule, even where it is all that runs', () => {
    const release = { ...OPTIONS, release: 'harvester:2' };
    const weekly = searchBody('a', WEEKLY);
    const both = plan([desired(weekly)], liveState(live(weekly, 'active', applied(weekly, 'active', { release: 'harvester:1' }))), release);
    assert.deepEqual(stepsOf(both), [['a', 'update', ['put-schedule rate(1 hour)', 'put-compliance-schedule rate(7 days)']]]);
    // A suspended filter collection runs no stream; its compliance rule still names the old release.
    const resting = filterBody('f', WEEKLY);
    const alone = plan(
      [desired(resting, 'suspended')],
      liveState(live(resting, 'suspended', applied(resting, 'suspended', { release: 'harvester:1' }))),
      release,
    );
    assert.deepEqual(stepsOf(alone), [['f', 'update', ['put-compliance-schedule rate(7 days)']]]);
    assert.deepEqual(alone.actions[0]?.changes, [{ path: '(harvester release)', old: 'harvester:1', new: 'harvester:2' }]);
    const current = plan(
      [desired(resting, 'suspended')],
      liveState(live(resting, 'suspended', applied(resting, 'suspended', { release: 'harvester:2' }))),
      release,
    );
    assert.deepEqual(current.actions, []);
  });

  it("adopts an untagged compliance rule by putting it again with this deployment's tags", () => {
    const weekly = searchBody('a', WEEKLY);
    const untagged: Runtime = { ...applied(weekly, 'active'), owner: 'untagged' };
    const result = plan([desired(weekly)], { collections: new Map([['a', { ...live(weekly, 'active', untagged) }]]) }, OPTIONS);
    assert.deepEqual(stepsOf(result), [['a', 'adopt', ['put-schedule rate(1 hour)', 'put-compliance-schedule rate(7 days)']]]);
  });
});
