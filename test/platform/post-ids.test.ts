import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ArchiveObjectInvalid } from '../../platform/archive/objects.js';
import { decodePostIds, encodePostIds, PostIdList, unionOfSorted, type PostIdsHeader } from '../../platform/archive/post-ids.js';

const header = (posts: number): PostIdsHeader => ({
  format: 'twarc-cloud/post-ids@1',
  collection: 'kpop',
  posts,
  tweets: posts,
  harvests: ['20261201T100000Z'],
  updated_at: '2026-12-01T10:05:00.000Z',
});
const sortedOf = (...ids: string[]): BigUint64Array => {
  const list = new PostIdList();
  for (const id of ids) list.add(id);
  return list.sortedUnique();
};
const texts = (ids: BigUint64Array): string[] => [...ids].map(String);
const roundTrip = (ids: BigUint64Array): BigUint64Array => decodePostIds(encodePostIds(header(ids.length), ids), 'k', 'archive').ids;
const refusal = (bytes: Buffer): string => {
  try {
    decodePostIds(bytes, 'collections/kpop/post_ids.gz', 'archive');
  } catch (error) {
    assert.ok(error instanceof ArchiveObjectInvalid, String(error));
    return error.message;
  }
  return assert.fail('refused nothing');
};

describe('the post id index', () => {
  it('keeps each post id once, ascending, and leaves out what is not an id', () => {
    const ids = sortedOf('1864000000000000002', '1864000000000000001', '1864000000000000002', 'abc', '', '18446744073709551616', '7');
    assert.deepEqual(texts(ids), ['7', '1864000000000000001', '1864000000000000002']);
  });

  it('unites two sorted sets, an id in both kept once', () => {
    const union = unionOfSorted(sortedOf('1', '3', '5', '9'), sortedOf('2', '3', '9', '10'));
    assert.deepEqual(texts(union), ['1', '2', '3', '5', '9', '10']);
    assert.deepEqual(texts(unionOfSorted(new BigUint64Array(0), sortedOf('4'))), ['4']);
  });

  it('reads back exactly what it wrote: none, one, snowflakes, and ids at both ends of 64 bits', () => {
    assert.deepEqual(texts(roundTrip(new BigUint64Array(0))), []);
    const edges = sortedOf('1', '2', '9007199254740993', '1864123456789012345', '18446744073709551614', '18446744073709551615');
    assert.deepEqual(texts(roundTrip(edges)), texts(edges));
    const list = new PostIdList();
    let id = 1864000000000000000n;
    for (let i = 0; i < 20_000; i += 1) list.add(String((id += BigInt(1 + ((i * 7919) % 100_000)) << 22n)));
    const snowflakes = list.sortedUnique();
    assert.deepEqual(texts(roundTrip(snowflakes)), texts(snowflakes));
  });

  it('stores posts that came at stream rates in a few bytes each', () => {
    const list = new PostIdList();
    let id = 1864000000000000000n;
    // 50 posts a second: ids 20 ms apart, as X's ids encode their millisecond in bits 22 and up.
    for (let i = 0; i < 10_000; i += 1) list.add(String((id += 20n << 22n)));
    const bytes = encodePostIds(header(10_000), list.sortedUnique());
    assert.ok(bytes.length < 10_000 * 5, `${bytes.length} bytes for 10,000 ids`);
  });

  it('refuses a file whose ids disagree with its header, or that is not one', () => {
    const two = encodePostIds(header(2), sortedOf('5', '6'));
    const body = (posts: number, ids: number[]): Buffer =>
      gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header(posts))}\n`), Buffer.from(ids)]));
    assert.match(refusal(body(3, [5, 1])), /holds 2 ids where its header says 3/);
    assert.match(refusal(body(1, [5, 1])), /holds more ids than the 1/);
    assert.match(refusal(body(2, [5, 0])), /id 2 repeats the one before/);
    assert.match(refusal(two.subarray(0, two.length - 8)), /not readable gzip/);
    assert.match(refusal(gzipSync('{"format":"twarc-cloud/post-ids@2"}\n')), /format/);
    assert.match(refusal(gzipSync('no header')), /no header line/);
  });
});
