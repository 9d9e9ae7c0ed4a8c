import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Plan, PlannedAction } from '../../../reconciler/plan/model.js';
import { GITHUB_COMMENT_LIMIT, planMarkdown, planText } from '../../../cli/reporters/plan-report.js';

function action(kind: PlannedAction['kind'], id: string, fields = 3): PlannedAction {
  const changes = Array.from({ length: fields }, (_, i) => ({ path: `users.${1000 + i}.screen_name`, old: `old_${i}`, new: `new_${i}` }));
  return {
    kind,
    id,
    type: 'user_timeline',
    changes,
    steps: kind === 'remove' ? [{ kind: 'stop-harvests' }, { kind: 'delete-schedule' }] : [],
    stops: kind === 'remove',
  };
}

function planOf(actions: PlannedAction[]): Plan {
  const counts = { create: 0, update: 0, suspend: 0, resume: 0, remove: 0, adopt: 0 };
  for (const a of actions) counts[a.kind] += 1;
  return { actions, counts };
}

describe('plan reports', () => {
  it("keep a huge plan's pull-request comment under GitHub's limit and say what was left out", () => {
    const actions = Array.from({ length: 3000 }, (_, i) =>
      action(i % 10 === 0 ? 'remove' : 'update', `collection-${String(i).padStart(4, '0')}`, 30),
    );
    const markdown = planMarkdown(planOf(actions), 'target aws');
    assert.ok(markdown.length <= GITHUB_COMMENT_LIMIT, `${markdown.length} characters`);
    assert.match(markdown, /\*\*\d+ more actions are not shown here/);
    assert.match(markdown, /> \*\*300 collections will stop harvesting\*\*/, 'removals are called out even when their blocks are cut');
  });

  it('show every action of a plan that fits, and no truncation note', () => {
    const markdown = planMarkdown(planOf([action('create', 'a'), action('remove', 'b')]), 'target local');
    assert.doesNotMatch(markdown, /not shown/);
    assert.match(markdown, /- remove b \(user_timeline\): harvested data is kept/);
  });

  it('colour the text plan only when asked', () => {
    const plan = planOf([action('create', 'a'), action('remove', 'b')]);
    const escape = String.fromCharCode(27);
    assert.ok(!planText(plan, 'x', false).includes(escape));
    assert.ok(planText(plan, 'x', true).includes(`${escape}[32m+ create a`));
    assert.ok(planText(plan, 'x', true).includes(`${escape}[31m- remove b`));
  });

  it('cap the fields listed per action', () => {
    const text = planText(planOf([action('update', 'a', 40)]), 'x', false);
    assert.match(text, /\.\.\. and 15 more changed fields/);
  });

  it('leave out fields that appear empty (defaults the file did not set, such as follow = [])', () => {
    const create: PlannedAction = {
      kind: 'create',
      id: 'live',
      type: 'filter',
      changes: [
        { path: 'rules', old: undefined, new: [{ value: 'climate' }] },
        { path: 'follow', old: undefined, new: [] },
        { path: 'track', old: undefined, new: [] },
        { path: 'labels', old: undefined, new: {} },
        { path: 'state', old: undefined, new: 'active' },
      ],
      steps: [{ kind: 'join-stream-group', group: 'default' }],
      stops: false,
    };
    const text = planText(planOf([create]), 'x', false);
    assert.match(text, /\+ rules = \[\{"value":"climate"\}\]/);
    assert.match(text, /\+ state = "active"/);
    assert.doesNotMatch(text, /follow|track|labels/);
    assert.match(
      planText(planOf([{ ...create, kind: 'update', changes: [{ path: 'track', old: ['x'], new: [] }] }]), 'x', false),
      /~ track: \["x"\] -> \[\]/,
      'emptying a field is a change',
    );
  });

  it('say what a compliance schedule runs, and that taking it away keeps the results', () => {
    const update: PlannedAction = {
      kind: 'update',
      id: 'a',
      type: 'search',
      changes: [{ path: 'compliance.schedule', old: 'rate(7 days)', new: 'rate(1 day)' }],
      steps: [{ kind: 'put-compliance-schedule', expression: 'rate(1 day)' }],
      stops: false,
    };
    assert.match(
      planText(planOf([update]), 'x', false),
      /runtime: compliance checks rate\(1 day\) \(twarc-cloud compliance; nothing harvested is deleted\)/,
    );
    const removal = { ...update, steps: [{ kind: 'delete-compliance-schedule' as const }] };
    assert.match(planText(planOf([removal]), 'x', false), /runtime: delete the compliance schedule \(its results stay in the archive\)/);
  });
});
