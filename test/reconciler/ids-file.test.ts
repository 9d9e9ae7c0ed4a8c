/* The ids of a lookup collection's file, in each form datasets are shared in. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIds } from '../../reconciler/desired/ids-file.js';

describe('a file of post ids', () => {
  it('reads one id a line, skipping blank lines and comments, each id once, naming the lines that hold none', () => {
    const parsed = parseIds(
      '# from the paper\n1500000000000000001\n\n1500000000000000002\n1500000000000000001\nnot an id\n 1500000000000000003 \n',
    );
    assert.deepEqual(parsed.ids, ['1500000000000000001', '1500000000000000002', '1500000000000000003']);
    assert.deepEqual(parsed.badLines, [6]);
  });

  it('reads twarc2 JSONL: the posts of each page, or flattened posts', () => {
    const page = JSON.stringify({
      data: [
        { id: '11', text: 'a' },
        { id: '12', text: 'b' },
      ],
      includes: { users: [{ id: '99' }] },
    });
    const flat = JSON.stringify({ id: '13', text: 'c', author: { id: '99' } });
    const parsed = parseIds(`${page}\n${flat}\n{broken\n`);
    assert.deepEqual(parsed.ids, ['11', '12', '13'], "the includes' ids are not posts of the dataset");
    assert.deepEqual(parsed.badLines, [3]);
  });

  it("reads twarc-csv's CSV by its id column, with quoted fields that hold commas, quotes and line breaks", () => {
    const csv = 'created_at,id,text\n2026-01-01,21,"one, ""two""\nthree"\n2026-01-02,22,plain\n2026-01-03,,missing\n';
    const parsed = parseIds(csv);
    assert.deepEqual(parsed.ids, ['21', '22']);
    assert.deepEqual(parsed.badLines, [5], 'the row is named by the line it starts on');
  });

  it('counts every bad line but names only the first few', () => {
    const parsed = parseIds(Array.from({ length: 9 }, (_, n) => `bad ${n}`).join('\n'));
    assert.equal(parsed.badCount, 9);
    assert.deepEqual(parsed.badLines, [1, 2, 3, 4, 5]);
  });
});
