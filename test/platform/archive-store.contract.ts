import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { listAll, PreconditionFailed, type ArchiveStore } from '../../platform/archive/store.js';

/**
 * What every archive store must do, whatever it stores into. Run against the local directory and
 * against S3 on moto_server, so the local adapter cannot drift from S3's behaviour.
 */
export function archiveStoreContract(name: string, makeStore: () => ArchiveStore): void {
  const md5 = (body: string | Buffer): string => `"${createHash('md5').update(body).digest('hex')}"`;

  describe(`archive store contract: ${name}`, () => {
    it('returns nothing for a missing key', async () => {
      assert.equal(await makeStore().get('collections/none/collection.json'), undefined);
      assert.equal(await makeStore().download('collections/none/tweets.jsonl.gz'), undefined);
    });

    it('reads back what was written, with an MD5 ETag as S3 gives for single-part writes', async () => {
      const store = makeStore();
      const { etag } = await store.put('collections/a/collection.json', '{"id":"a"}');
      assert.equal(etag, md5('{"id":"a"}'));
      const read = await store.get('collections/a/collection.json');
      assert.equal(read?.body.toString(), '{"id":"a"}');
      assert.equal(read.etag, etag);
    });

    it('creates only when absent with If-None-Match: *', async () => {
      const store = makeStore();
      await store.put('k/lock.json', 'first', { ifNoneMatch: '*' });
      await assert.rejects(store.put('k/lock.json', 'second', { ifNoneMatch: '*' }), PreconditionFailed);
      assert.equal((await store.get('k/lock.json'))?.body.toString(), 'first');
    });

    it('replaces only the version read with If-Match', async () => {
      const store = makeStore();
      const { etag } = await store.put('k/state.json', 'v1');
      const { etag: second } = await store.put('k/state.json', 'v2', { ifMatch: etag });
      await assert.rejects(store.put('k/state.json', 'v3', { ifMatch: etag }), PreconditionFailed);
      await assert.rejects(store.put('k/missing.json', 'v1', { ifMatch: etag }), PreconditionFailed);
      const read = await store.get('k/state.json');
      assert.equal(read?.body.toString(), 'v2');
      assert.equal(read.etag, second);
    });

    it('treats an If-Match that names no version (an empty ETag) as a condition that fails, never as no condition', async () => {
      const store = makeStore();
      await store.put('collections/e/state.json', 'first');
      await assert.rejects(store.put('collections/e/state.json', 'second', { ifMatch: '' }), PreconditionFailed);
      await assert.rejects(store.delete('collections/e/state.json', { ifMatch: '' }), PreconditionFailed);
      assert.equal((await store.get('collections/e/state.json'))?.body.toString(), 'first');
    });

    it('lets exactly one of many racing creators win', async () => {
      const store = makeStore();
      const attempts = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => store.put('race/lock.json', `holder ${i}`, { ifNoneMatch: '*' })),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const lost of attempts.filter((a) => a.status === 'rejected'))
        assert.ok(lost.reason instanceof PreconditionFailed, String(lost.reason));
    });

    it('loses no update when racing writers read, modify and write with If-Match', async () => {
      const store = makeStore();
      await store.put('race/counter.json', '0');
      const increment = async (): Promise<void> => {
        for (;;) {
          const current = await store.get('race/counter.json');
          assert.ok(current);
          try {
            await store.put('race/counter.json', String(Number(current.body.toString()) + 1), { ifMatch: current.etag });
            return;
          } catch (error) {
            if (!(error instanceof PreconditionFailed)) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, increment));
      assert.equal((await store.get('race/counter.json'))?.body.toString(), '8');
    });

    it('deletes, conditionally when asked, and deleting a missing key succeeds', async () => {
      const store = makeStore();
      const { etag } = await store.put('d/lock.json', 'mine');
      await store.delete('d/never-written.json');
      await assert.rejects(store.delete('d/lock.json', { ifMatch: md5('theirs') }), PreconditionFailed);
      assert.ok(await store.get('d/lock.json'));
      await store.delete('d/lock.json', { ifMatch: etag });
      assert.equal(await store.get('d/lock.json'), undefined);
    });

    it('lists keys under a prefix in key order, page by page', async () => {
      const store = makeStore();
      const keys = ['l/a/1.json', 'l/a/2.json', 'l/a/sub/3.json', 'l/ab/4.json', 'l/b/5.json'];
      for (const key of [...keys].reverse()) await store.put(key, key);
      const first = await store.list('l/a/', { limit: 2 });
      assert.deepEqual(
        first.objects.map((o) => o.key),
        ['l/a/1.json', 'l/a/2.json'],
      );
      assert.ok(first.nextToken);
      const second = await store.list('l/a/', { token: first.nextToken, limit: 2 });
      assert.deepEqual(
        second.objects.map((o) => o.key),
        ['l/a/sub/3.json'],
      );
      assert.equal(second.nextToken, undefined);
      const all: string[] = [];
      for await (const object of listAll(store, 'l/')) all.push(object.key);
      assert.deepEqual(all, keys);
      assert.equal(first.objects[0]?.size, 'l/a/1.json'.length);
    });

    it('streams a large upload in and a download out unchanged', async () => {
      const store = makeStore();
      const body = randomBytes(20 * 1024 * 1024 + 123); // over two S3 parts
      const chunks = Array.from({ length: 21 }, (_, i) => body.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
      await store.upload('big/tweets-1.jsonl.gz', Readable.from(chunks));
      const stream = await store.download('big/tweets-1.jsonl.gz');
      assert.ok(stream);
      const downloaded = await buffer(stream);
      assert.equal(downloaded.length, body.length);
      assert.ok(downloaded.equals(body), 'downloaded bytes differ');
      const [info] = (await store.list('big/')).objects;
      assert.equal(info?.size, body.length);
    });

    it('stores a file from disk, several S3 parts long, unchanged; and one shorter than a part', async () => {
      const store = makeStore();
      const dir = await mkdtemp(join(tmpdir(), 'twarc-cloud-upload-file-'));
      for (const [name, size] of [
        ['parts', 2 * 5 * 1024 * 1024 + 4321],
        ['small', 1234],
      ] as const) {
        const body = randomBytes(size);
        const path = join(dir, name);
        await writeFile(path, body);
        await store.uploadFile(`files/${name}.jsonl.gz`, path, { contentType: 'application/gzip' });
        const stream = await store.download(`files/${name}.jsonl.gz`);
        assert.ok(stream);
        assert.ok((await buffer(stream)).equals(body), `${name}: downloaded bytes differ`);
      }
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps keys with spaces and non-ASCII characters intact', async () => {
      const store = makeStore();
      await store.put('odd/a key with spaces/ünïcødé.json', 'x');
      assert.deepEqual(
        (await store.list('odd/')).objects.map((o) => o.key),
        ['odd/a key with spaces/ünïcødé.json'],
      );
    });

    it('refuses keys that could escape the archive', async () => {
      const store = makeStore();
      for (const key of ['../outside.json', '/absolute.json', 'a//b.json', 'a/./b.json', '']) {
        await assert.rejects(store.put(key, 'x'), /invalid archive key/, key);
      }
    });
  });
}
