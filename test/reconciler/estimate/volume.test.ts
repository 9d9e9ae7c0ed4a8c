import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { volumeQueries, volumeReport } from '../../../reconciler/estimate/volume.js';
import type { DesiredCollection, Plan, PlannedAction } from '../../../reconciler/plan/model.js';

const NOW = Date.parse('2026-12-02T00:00:00Z');

function desired(id: string, body: Record<string, unknown>, state: 'active' | 'suspended' = 'active'): DesiredCollection {
  return {
    id,
    state,
    hash: id,
    body: { id, credentials: 'default', output: { tweets_per_file: 1000, rotate_minutes: 60 }, labels: {}, ...body } as never,
  };
}
function action(kind: PlannedAction['kind'], id: string, type: PlannedAction['type'], paths: string[] = []): PlannedAction {
  return { kind, id, type, changes: paths.map((path) => ({ path, old: 1, new: 2 })), steps: [], stops: false };
}
const plan = (actions: PlannedAction[]): Pick<Plan, 'actions'> => ({ actions });

describe('what the plan counts', () => {
  const search = desired('s', { type: 'search', query: 'flood', archive: false });
  const stream = desired('f', {
    type: 'filter',
    rules: [{ value: 'a'.repeat(200) }, { value: 'b'.repeat(200) }, { value: 'c'.repeat(200) }],
  });
  const paused = desired('p', { type: 'search', query: 'x', archive: false }, 'suspended');

  it('nothing when no search or filter collection is added, resumed or has its query or rules changed', () => {
    assert.deepEqual(volumeQueries([search, stream], plan([action('update', 's', 'search', ['/schedule'])]), 512, NOW), []);
    assert.deepEqual(volumeQueries([search], plan([action('create', 'u', 'user_timeline')]), 512, NOW), []);
  });

  it('every active search and filter collection once one is, marking those this plan changes', () => {
    const queries = volumeQueries([search, stream, paused], plan([action('update', 's', 'search', ['/query'])]), 512, NOW);
    assert.deepEqual(
      queries.map((q) => [q.id, q.changed]),
      [
        ['s', true],
        ['f', false],
      ],
    );
  });

  it("a filter collection's rules, OR-ed into queries that fit the query length, with a note on double counting", () => {
    const filter = volumeQueries([search, stream], plan([action('create', 'f', 'filter')]), 512, NOW).find((q) => q.id === 'f');
    assert.ok(filter);
    assert.deepEqual(filter.queries, [`(${'a'.repeat(200)}) OR (${'b'.repeat(200)})`, `(${'c'.repeat(200)})`]);
    assert.match(filter.note ?? '', /counted in 2 queries/);
    const tooLong = volumeQueries([search, stream], plan([action('create', 'f', 'filter')]), 150, NOW).find((q) => q.id === 'f');
    assert.match(tooLong?.uncountable ?? '', /longer than the 150 characters/);
  });

  it('a week scaled to a month, summed against the cap', () => {
    const queries = volumeQueries([search, stream], plan([action('create', 's', 'search')]), 512, NOW);
    const weekly = new Map<string, number | { reason: string }>([
      ['s', 7000],
      ['f', { reason: 'not counted: timeout' }],
    ]);
    const report = volumeReport(queries, weekly, { accessLevel: 'basic', posts: 10_000 });
    assert.deepEqual(
      report.collections.map((c) => [c.id, c.monthly, c.note]),
      [
        ['s', 30_440, undefined],
        ['f', undefined, 'not counted: timeout'],
      ],
    );
    assert.equal(report.total, 30_440);
    assert.equal(report.overCap, true);
  });
});
