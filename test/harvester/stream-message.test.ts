import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readStreamLine } from '../../harvester/collect/stream-message.js';

const line = (text: string): Buffer => Buffer.from(text);

describe('reading a filtered-stream line', () => {
  it('takes a well-framed tweet message by its matching_rules member alone', () => {
    const read = readStreamLine(
      line('{"data":{"id":"1","text":"a } b"},"includes":{"users":[]},"matching_rules":[{"id":"7","tag":"x"},{"id":"8"}]}'),
    );
    assert.deepEqual(read, { kind: 'tweet', ruleIds: ['7', '8'] });
  });

  it('parses a tweet message whole when its members come in another order', () => {
    const read = readStreamLine(line('{"matching_rules":[{"id":"9"}],"data":{"id":"1","text":"t"}}'));
    assert.deepEqual(read, { kind: 'tweet', ruleIds: ['9'] });
  });

  it('calls a truncated message malformed, even one cut at a closing brace', () => {
    assert.deepEqual(readStreamLine(line('{"data":{"id":"1","text":"trunc')), { kind: 'malformed' });
    assert.deepEqual(readStreamLine(line('{"data":{"id":"1","entities":{}')), { kind: 'malformed' });
    assert.deepEqual(readStreamLine(line('{"data":{"id":"1"},"matching_rules":[{"id":"7"}]')), { kind: 'malformed' });
  });

  it('calls a fast-path message whose rules member does not parse malformed', () => {
    assert.deepEqual(readStreamLine(line('{"data":{"id":"1"},"matching_rules":[{"id":"7"}}')), { kind: 'malformed' });
  });

  it('reports an operational disconnect as an error message', () => {
    const read = readStreamLine(
      line('{"errors":[{"title":"operational-disconnect","disconnect_type":"OperationalDisconnect","detail":"gone"}]}'),
    );
    assert.deepEqual(read, { kind: 'error', title: 'operational-disconnect', detail: 'gone', disconnectType: 'OperationalDisconnect' });
  });

  it('calls JSON that is not an object malformed', () => {
    assert.deepEqual(readStreamLine(line('[1,2]')), { kind: 'malformed' });
    assert.deepEqual(readStreamLine(line('"x"')), { kind: 'malformed' });
  });

  it('keeps a rule id sent as a JSON number exactly as written (a 19-digit id does not survive JSON.parse)', () => {
    const id = '1600000000000000123';
    assert.notEqual(String(JSON.parse(id)), id);
    assert.deepEqual(readStreamLine(line(`{"data":{"id":"1","text":"t"},"matching_rules":[{"id":${id},"tag":"x"}]}`)), {
      kind: 'tweet',
      ruleIds: [id],
    });
    assert.deepEqual(readStreamLine(line(`{"matching_rules":[{"id":${id}}],"data":{"id":"1","text":"t"}}`)), {
      kind: 'tweet',
      ruleIds: [id],
    });
  });

  it('reads only the rules member: a tag or a tweet text that looks like an id, or holds brackets, is not one', () => {
    const message = String.raw`{"data":{"id":"5","text":"\"id\":\"666\" ] }"},"matching_rules":[{"id":"7","tag":"a ] \"id\":\"9\" }"}],"errors":[{"resource_id":"3","id":"4"}]}`;
    assert.deepEqual(readStreamLine(line(message)), { kind: 'tweet', ruleIds: ['7'] });
  });

  it('stores a tweet that arrives with errors beside it (X reports missing expansions so)', () => {
    const message =
      '{"data":{"id":"1","text":"t"},"errors":[{"title":"Not Found Error","resource_type":"tweet"}],"matching_rules":[{"id":"7"}]}';
    assert.deepEqual(readStreamLine(line(message)), { kind: 'tweet', ruleIds: ['7'] });
  });
});
