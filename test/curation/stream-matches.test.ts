import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ruleMatches } from '../../curation/report/stream-matches.js';

describe("a filter collection's matches per rule", () => {
  const rules = [{ value: 'flood', tag: 'floods' }, { value: 'storm' }, { value: 'hail' }, { value: 'drought', tag: 'dry' }];

  it("lists every rule in the collection's order, one that matched nothing as 0", () => {
    const byTag = new Map([
      ['weather:floods', 12],
      ['weather', 5],
    ]);
    assert.deepEqual(ruleMatches('weather', rules, byTag), [
      { rule: 'floods', value: 'flood', matches: 12 },
      { rule: 'dry', value: 'drought', matches: 0 },
      // X tags every untagged rule with the collection's id alone: their matches are one figure.
      { rule: 'untagged rules', value: 'storm | hail', matches: 5 },
    ]);
  });

  it("names this collection's tags of rules it no longer has, never another collection's", () => {
    const byTag = new Map([
      ['weather:floods', 3],
      ['weather:old-rule', 7],
      ['climate', 40],
      ['climate:heat', 2],
    ]);
    assert.deepEqual(ruleMatches('weather', [{ value: 'flood', tag: 'floods' }], byTag), [
      { rule: 'floods', value: 'flood', matches: 3 },
      { rule: 'old-rule', matches: 7 },
    ]);
  });
});
