import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentIds, tweetIdOf } from '../../harvester/stream-group/replay-guard.js';

const line = (text: string): Buffer => Buffer.from(text);

describe("a backfill's replays are told apart by tweet id", () => {
  it("reads the data object's own id, past the ids of nested entities, strings with quotes and braces, and non-ASCII text", () => {
    const message =
      '{"data":{"author_id":"11","entities":{"mentions":[{"id":"22","username":"a"}]},"text":"say \\"id\\":\\"33\\" {[ é🌍","id":"1890","x":{"id":"44"}},' +
      '"includes":{"users":[{"id":"11"}]},"matching_rules":[{"id":"55","tag":"c"}]}';
    assert.equal(tweetIdOf(line(message)), '1890');
  });

  it('parses a message of another shape whole, and finds no id where there is none', () => {
    assert.equal(tweetIdOf(line('{"matching_rules":[{"id":"55"}],"data":{"text":"t","id":"7"}}')), '7');
    assert.equal(tweetIdOf(line('{"data":{"text":"no id here","entities":{"id":"9"}}}')), undefined);
    assert.equal(tweetIdOf(line('{"data":{"id":')), undefined);
  });

  it('remembers ids for its window only', () => {
    const recent = new RecentIds(60_000);
    assert.equal(recent.seen('1', 0), false);
    assert.equal(recent.seen('1', 30_000), true, 'a replay within the window is a duplicate');
    assert.equal(recent.seen('2', 61_000), false);
    assert.equal(recent.seen('1', 61_000), false, 'an id older than the window is forgotten');
    assert.equal(recent.size, 2);
  });
});
