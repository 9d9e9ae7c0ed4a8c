import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan, type PlanOptions } from '../../../reconciler/plan/plan.js';
import type { LiveCollection, LiveState } from '../../../reconciler/plan/model.js';
import { bodyHash, type ConfigBody } from '../../../reconciler/plan/render-config.js';
import { actionLines } from '../../../cli/reporters/plan-report.js';
import { desired, filterBody } from './config-bodies.js';

const GROUPED: PlanOptions = { maxStops: 5, allowMassStop: false, streamGroups: true };

function streaming(body: ConfigBody, withBody = true): LiveState {
  const live: LiveCollection = {
    id: body.id,
    type: body.type,
    state: 'active',
    hash: bodyHash(body),
    ...(withBody ? { body } : {}),
    runtime: { service: { running: true } },
  };
  return { collections: new Map([[live.id, live]]) };
}

describe('plan() where the target runs stream groups', () => {
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
    assert.deepEqual(
      plan([desired(after)], streaming(before), { ...GROUPED, streamGroups: false }).actions[0]?.steps,
      [{ kind: 'restart-service' }],
      'a target with a stream per collection restarts it',
    );
  });

  it("stops a removed collection's harvest through the stop protocol and has it leave the group", () => {
    const result = plan([], streaming(filterBody('f'), false), GROUPED);
    assert.equal(result.actions[0]?.kind, 'remove');
    assert.deepEqual(result.actions[0].steps, [{ kind: 'stop-harvests' }, { kind: 'leave-stream-group' }]);
  });

  it('moves a collection whose credentials change from one group to the other', () => {
    const result = plan([desired(filterBody('f', { credentials: 'other' }))], streaming(filterBody('f')), GROUPED);
    assert.deepEqual(result.actions[0]?.steps, [
      { kind: 'stop-harvests' },
      { kind: 'leave-stream-group', group: 'default' },
      { kind: 'join-stream-group', group: 'other' },
    ]);
  });
});
