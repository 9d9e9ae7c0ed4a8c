import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { CollectionConfig } from '../../harvester/harvest-context.js';
import { collectionKeys, harvestIdOfKey } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { asCollectionConfig, readObject, writeObject } from '../../platform/archive/objects.js';
import type { CollectionConfigFields } from '../../platform/archive/archive-types.js';
import { createS3Client, S3ArchiveStore } from '../../platform/archive/s3-store.js';
import { listAll, type ArchiveStore } from '../../platform/archive/store.js';
import { startMoto, type Moto } from './moto.js';

/** The bearer token the fake API accepts; planted so that tests can search outputs for it. */
export const SECRET_BEARER = 'AAAAAAAAAAAAAAAAAAAAAplantedSecretBearer0123456789';

/** An archive for a harvester child process: a directory, or a bucket on moto_server. */
export interface ArchiveFixture {
  readonly kind: 'local' | 's3';
  readonly location: string;
  readonly store: ArchiveStore;
  /** What the child process needs to reach this archive and the fake API, and nothing secret besides the planted token. */
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function localArchive(): Promise<ArchiveFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'twarc-cloud-harvest-'));
  const home = await mkdtemp(join(tmpdir(), 'twarc-cloud-home-'));
  return { kind: 'local', location: dir, store: new LocalArchiveStore(dir), env: baseEnv(home), close: () => Promise.resolve() };
}

export async function s3Archive(moto: Moto): Promise<ArchiveFixture> {
  const bucket = `harvest-${randomUUID().slice(0, 8)}`;
  const client = createS3Client({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const home = await mkdtemp(join(tmpdir(), 'twarc-cloud-home-'));
  return {
    kind: 's3',
    location: `s3://${bucket}`,
    store: new S3ArchiveStore(client, { bucket, prefix: '' }),
    env: {
      ...baseEnv(home),
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    },
    close: () => {
      client.destroy();
      return Promise.resolve();
    },
  };
}

function baseEnv(home: string): NodeJS.ProcessEnv {
  return {
    HOME: home,
    TWARC_CLOUD_DEFAULT_BEARER_TOKEN: SECRET_BEARER,
    TWARC_CLOUD_BACKOFF_SCALE: '0.002',
    TWARC_CLOUD_STOP_POLL_MS: '200',
    TWARC_CLOUD_STREAM_SILENCE_MS: '1500',
    TWARC_CLOUD_RATE_LIMIT_MARGIN_MS: '20',
    TWARC_CLOUD_REQUEST_TIMEOUT_MS: '1500',
  };
}

export { startMoto };

export async function putCollection(
  store: ArchiveStore,
  config: Partial<CollectionConfigFields> & Pick<CollectionConfigFields, 'id' | 'type'>,
): Promise<CollectionConfig> {
  const full = asCollectionConfig({
    format: 'twarc-cloud/collection-config@1',
    state: 'active',
    credentials: 'default',
    output: { tweets_per_file: 250_000, rotate_minutes: 30 },
    labels: {},
    rendered_at: new Date().toISOString(),
    changeset: 'test',
    ...config,
  });
  await writeObject(store, collectionKeys(full.id).config, 'collection-config', full);
  return full;
}

export interface StoredTweet {
  readonly id: string;
  readonly harvestId: string;
  readonly file: string;
  /** The post as stored. */
  readonly json: Readonly<Record<string, unknown>>;
}

/** Every tweet in every tweet file of a collection, in file and line order, from the gunzipped lines. */
export async function storedTweets(store: ArchiveStore, collectionId: string): Promise<StoredTweet[]> {
  const tweets: StoredTweet[] = [];
  for await (const object of listAll(store, collectionKeys(collectionId).harvestsPrefix)) {
    if (!/\/tweets-[^/]+\.jsonl\.gz$/.test(object.key)) continue;
    const body = await store.get(object.key);
    if (!body) continue;
    for (const line of gunzipSync(body.body).toString('utf8').split('\n')) {
      if (line === '') continue;
      type Post = { id: string } & Record<string, unknown>;
      const page = JSON.parse(line) as { data?: Post[] | Post; __twarc?: unknown };
      if (!page.__twarc) throw new Error(`${object.key}: a line without __twarc`);
      const data = Array.isArray(page.data) ? page.data : page.data ? [page.data] : [];
      if (data.length === 0) throw new Error(`${object.key}: a line without data`);
      for (const tweet of data) tweets.push({ id: tweet.id, harvestId: harvestIdOfKey(object.key) ?? '', file: object.key, json: tweet });
    }
  }
  return tweets;
}

/** Reads every archive object of the collection through its schema-validating reader; throws on any invalid one. */
export async function validateArchive(store: ArchiveStore, collectionId: string): Promise<{ harvests: number }> {
  const keys = collectionKeys(collectionId);
  await readObject(store, keys.state, 'state');
  await readObject(store, keys.lastHarvest, 'last-harvest');
  let harvests = 0;
  for await (const object of listAll(store, keys.harvestsPrefix)) {
    if (object.key.endsWith('/harvest.json')) {
      harvests += 1;
      await readObject(store, object.key, 'harvest');
    } else if (object.key.endsWith('/user_changes.json')) await readObject(store, object.key, 'user-changes');
    else if (object.key.endsWith('/collection.json')) await readObject(store, object.key, 'collection-config');
  }
  return { harvests };
}
