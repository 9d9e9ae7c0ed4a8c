import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { ArchiveUnavailable, createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { AwsFaultProxy } from '../helpers/aws-fault-proxy.js';
import { freePort, startMoto, type Moto } from '../helpers/moto.js';
import { archiveLockContract } from './archive-lock.contract.js';
import { archiveStoreContract } from './archive-store.contract.js';

const BUCKET = 'twarc-cloud-contract';
let moto: Moto;
let client: S3Client;

const testClient = (endpoint: string): S3Client =>
  createS3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

before(async () => {
  moto = await startMoto();
  client = testClient(moto.endpoint);
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

after(async () => {
  client.destroy();
  await moto.stop();
});

// Each test gets its own prefix in one bucket, so tests cannot see each other's objects.
const isolatedStore = (): S3ArchiveStore => new S3ArchiveStore(client, { bucket: BUCKET, prefix: `${randomUUID()}/` });
archiveStoreContract('S3 on moto_server', isolatedStore);
archiveLockContract('S3 on moto_server', isolatedStore);

describe('S3 archive store', () => {
  it('says so when the bucket does not exist', async () => {
    const store = new S3ArchiveStore(client, { bucket: 'no-such-bucket-here', prefix: '' });
    await assert.rejects(store.get('collections/a/collection.json'), (error: unknown) => {
      assert.ok(error instanceof ArchiveUnavailable);
      assert.match(error.message, /the archive bucket "no-such-bucket-here" does not exist/);
      return true;
    });
  });

  it('says so when S3 cannot be reached', async () => {
    const unreachable = testClient(`http://127.0.0.1:${await freePort()}`);
    const store = new S3ArchiveStore(unreachable, { bucket: BUCKET, prefix: '' });
    await assert.rejects(store.list(''), (error: unknown) => {
      assert.ok(error instanceof ArchiveUnavailable, String(error));
      assert.match(error.message, /cannot reach S3 for s3:\/\/twarc-cloud-contract/);
      return true;
    });
    unreachable.destroy();
  });

  it('refuses to hand out an object without its ETag, which would make the next conditional write unconditional', async () => {
    const proxy = new AwsFaultProxy(moto.endpoint);
    const through = testClient(await proxy.start());
    try {
      const store = new S3ArchiveStore(through, { bucket: BUCKET, prefix: `${randomUUID()}/` });
      await store.put('collections/a/state.json', '{}');
      proxy.strippedHeaders.add('etag');
      await assert.rejects(store.get('collections/a/state.json'), (error: unknown) => {
        assert.ok(error instanceof ArchiveUnavailable, String(error));
        assert.match(error.message, /without an ETag/);
        return true;
      });
    } finally {
      through.destroy();
      await proxy.stop();
    }
  });

  it('names the location with its prefix', () => {
    assert.equal(new S3ArchiveStore(client, { bucket: 'b-1', prefix: 'team/' }).location, 's3://b-1/team');
  });
});
