import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileFilterRules, followClause, trackClause } from '../../reconciler/desired/compile-filter-rules.js';

describe('compiling track and follow into stream rules', () => {
  it('keeps a one-word track entry as a keyword', () => {
    assert.equal(trackClause('climate'), 'climate');
    assert.equal(trackClause('#climate'), '#climate');
    assert.equal(trackClause('@XDevelopers'), '@XDevelopers');
  });

  it('requires every word of a phrase, as v1.1 track did', () => {
    assert.equal(trackClause('global warming'), '(global warming)');
    assert.equal(trackClause('  global   warming '), '(global warming)');
  });

  it('quotes words with punctuation so v2 does not read them as operators', () => {
    assert.equal(trackClause('covid-19'), '"covid-19"');
    assert.equal(trackClause('is:retweet'), '"is:retweet"');
    assert.equal(trackClause('climat\u00e9 r\u00e9chauffement'), '(climat\u00e9 r\u00e9chauffement)');
  });

  it('follows a user: their tweets, replies to them and retweets of them', () => {
    assert.equal(followClause('783214'), 'from:783214 OR to:783214 OR retweets_of:783214');
  });

  it('keeps written rules first, then packs track and follow clauses with OR, tagged by origin', () => {
    const { rules, oversized } = compileFilterRules(
      { rules: [{ value: 'a lang:en', tag: 'mine' }], track: ['climate', 'global warming'], follow: ['1', '2'] },
      1024,
    );
    assert.deepEqual(oversized, []);
    assert.deepEqual(rules, [
      { value: 'a lang:en', tag: 'mine' },
      { value: 'climate OR (global warming)', tag: 'track' },
      { value: 'from:1 OR to:1 OR retweets_of:1 OR from:2 OR to:2 OR retweets_of:2', tag: 'follow' },
    ]);
  });

  it('starts a new rule when the next clause would pass the length limit', () => {
    const track = Array.from({ length: 30 }, (_, i) => `keyword${String(i).padStart(2, '0')}`); // 9 characters each
    const { rules } = compileFilterRules({ rules: [], track, follow: [] }, 100);
    for (const rule of rules) assert.ok(rule.value.length <= 100, `${rule.value.length}: ${rule.value}`);
    // n clauses take 9n + 4(n - 1) characters: 8 fit exactly in 100, a ninth would not.
    assert.deepEqual(rules.map((r) => r.value.split(' OR ')).flat(), track, 'every keyword kept, in order');
    assert.deepEqual(
      rules.map((r) => r.value.length),
      [100, 100, 100, 74],
    );
  });

  it('reports a clause longer than a whole rule instead of truncating it', () => {
    const { rules, oversized } = compileFilterRules({ rules: [], track: ['short', 'x'.repeat(50)], follow: [] }, 40);
    assert.deepEqual(rules, [{ value: 'short', tag: 'track' }]);
    assert.deepEqual(oversized, [{ field: 'track', index: 1, clause: 'x'.repeat(50) }]);
  });
});
