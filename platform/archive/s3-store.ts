import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Readable } from 'node:stream';
import { quietAwsSdk } from '../aws/quiet-sdk.js';
import { UserError } from '../errors.js';
import { uploadFile } from './s3-file-upload.js';
import { assertValidKey, PreconditionFailed, type ArchiveStore, type ListPage, type StoredObject, type WriteConditions } from './store.js';

/** The tags the archive bucket's lifecycle rules (terraform/storage.tf) expire old versions by: keep both in step. */
export const EPHEMERAL_TAG = { key: 'twarc-cloud:ephemeral', value: 'true' } as const;
export const REPLACED_TAG = { key: 'twarc-cloud:replaced', value: 'true' } as const;
const EPHEMERAL_TAGGING = new URLSearchParams({ [EPHEMERAL_TAG.key]: EPHEMERAL_TAG.value }).toString();
const REPLACED_TAGGING = new URLSearchParams({ [REPLACED_TAG.key]: REPLACED_TAG.value }).toString();
/**
 * Multipart uploads in parts of S3's smallest size, two at a time: a harvest uploads a finished
 * file while it goes on writing the next, so upload speed matters less than the memory each part
 * in flight holds (every part is buffered, hashed for the signature and checksummed).
 */
const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/** The archive cannot be reached or used at all: a setup problem for the user, not a bug. */
export class ArchiveUnavailable extends UserError {}

export interface S3Location {
  readonly bucket: string;
  /** Prepended to every key; empty for the whole bucket. */
  readonly prefix: string;
}

/**
 * An S3 client for the archive. Region, endpoint and credentials come from the standard AWS
 * configuration (environment, profile, instance or task role); `AWS_ENDPOINT_URL_S3` points it at
 * moto_server or a proxy, and then path-style addressing is used.
 */
export function createS3Client(config: S3ClientConfig = {}): S3Client {
  quietAwsSdk();
  const endpoint = process.env['AWS_ENDPOINT_URL_S3'] ?? process.env['AWS_ENDPOINT_URL'];
  return new S3Client({ ...(endpoint ? { forcePathStyle: true } : {}), ...config });
}

export class S3ArchiveStore implements ArchiveStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    private readonly where: S3Location,
  ) {
    this.location = `s3://${where.bucket}${where.prefix ? `/${where.prefix.replace(/\/$/, '')}` : ''}`;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(key) }));
      const body = Buffer.from((await result.Body?.transformToByteArray()) ?? []);
      // Without its ETag an object cannot be replaced conditionally; a store that drops it is not one to write to.
      if (result.ETag === undefined || result.ETag === '') throw new ArchiveUnavailable(`S3 returned ${this.location}/${key} without an ETag`, 'check that no proxy between twarc-cloud and S3 strips response headers');
      return { body, etag: result.ETag };
    } catch (error) {
      if (isStatus(error, 404) && errorName(error) !== 'NoSuchBucket') return undefined;
      throw this.translate(error, key);
    }
  }

  async put(key: string, body: string | Uint8Array, conditions: WriteConditions = {}): Promise<{ etag: string }> {
    // An If-Match naming no version can match nothing: refused here, since S3 would read an empty one as no condition.
    if (conditions.ifMatch === '') throw new PreconditionFailed(key, 'If-Match: ""');
    try {
      const result = await this.client.send(
        new PutObjectCommand({
          Bucket: this.where.bucket,
          Key: this.key(key),
          Body: body,
          ...(conditions.ifNoneMatch !== undefined ? { IfNoneMatch: conditions.ifNoneMatch } : {}),
          ...(conditions.ifMatch !== undefined ? { IfMatch: conditions.ifMatch } : {}),
          ContentType: conditions.contentType ?? (key.endsWith('.json') ? 'application/json' : 'application/octet-stream'),
          ...(conditions.ephemeral === true ? { Tagging: EPHEMERAL_TAGGING } : conditions.replaced === true ? { Tagging: REPLACED_TAGGING } : {}),
        }),
      );
      return { etag: result.ETag ?? '' };
    } catch (error) {
      // 412: the condition failed; 409: a concurrent conditional write won; 404: If-Match on a missing key.
      if (conditions.ifNoneMatch !== undefined && (isStatus(error, 412) || isStatus(error, 409))) throw new PreconditionFailed(key, 'If-None-Match: *');
      if (conditions.ifMatch !== undefined && (isStatus(error, 412) || isStatus(error, 409) || errorName(error) === 'NoSuchKey')) {
        throw new PreconditionFailed(key, `If-Match: ${conditions.ifMatch}`);
      }
      throw this.translate(error, key);
    }
  }

  async list(prefix: string, page: { token?: string; limit?: number } = {}): Promise<ListPage> {
    try {
      const result = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.where.bucket,
          Prefix: this.where.prefix + prefix,
          ...(page.token === undefined ? {} : { ContinuationToken: page.token }),
          MaxKeys: page.limit ?? 1000,
        }),
      );
      const objects = (result.Contents ?? []).map((object) => ({
        key: (object.Key ?? '').slice(this.where.prefix.length),
        size: object.Size ?? 0,
        lastModified: object.LastModified ?? new Date(0),
      }));
      return result.IsTruncated && result.NextContinuationToken ? { objects, nextToken: result.NextContinuationToken } : { objects };
    } catch (error) {
      throw this.translate(error, prefix);
    }
  }

  async delete(key: string, conditions: { ifMatch?: string } = {}): Promise<void> {
    if (conditions.ifMatch === '') throw new PreconditionFailed(key, 'If-Match: ""');
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.where.bucket, Key: this.key(key), ...(conditions.ifMatch !== undefined ? { IfMatch: conditions.ifMatch } : {}) }),
      );
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return;
      if (conditions.ifMatch !== undefined && (isStatus(error, 412) || isStatus(error, 409))) throw new PreconditionFailed(key, `If-Match: ${conditions.ifMatch}`);
      throw this.translate(error, key);
    }
  }

  async upload(key: string, body: Readable, options: { contentType?: string } = {}): Promise<{ etag: string }> {
    try {
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: this.where.bucket,
          Key: this.key(key),
          Body: body,
          ContentType: options.contentType ?? 'application/octet-stream',
          ChecksumAlgorithm: 'SHA256',
        },
        partSize: PART_SIZE,
        queueSize: PARTS_IN_FLIGHT,
        leavePartsOnError: false,
      });
      const result = await upload.done();
      return { etag: result.ETag ?? '' };
    } catch (error) {
      throw this.translate(error, key);
    }
  }

  async uploadFile(key: string, path: string, options: { contentType?: string } = {}): Promise<{ etag: string }> {
    try {
      return await uploadFile(this.client, { Bucket: this.where.bucket, Key: this.key(key), ContentType: options.contentType ?? 'application/octet-stream' }, path);
    } catch (error) {
      throw this.translate(error, key);
    }
  }

  async download(key: string): Promise<Readable | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key: this.key(key) }));
      return result.Body instanceof Readable ? result.Body : undefined;
    } catch (error) {
      if (errorName(error) === 'NoSuchKey') return undefined;
      throw this.translate(error, key);
    }
  }

  private key(key: string): string {
    assertValidKey(key);
    return this.where.prefix + key;
  }

  /** Setup problems become messages with a fix; anything else stays an error to report as a bug. */
  private translate(error: unknown, key: string): Error {
    const name = errorName(error);
    if (name === 'NoSuchBucket') {
      return new ArchiveUnavailable(`the archive bucket "${this.where.bucket}" does not exist`, 'check aws.bucket and aws.region in twarc-cloud.yaml, or create the bucket with terraform');
    }
    if (name === 'AccessDenied' || name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'CredentialsProviderError') {
      return new ArchiveUnavailable(`access to ${this.location} was refused (${name}) while reading or writing ${key}`, 'check which AWS credentials are in effect (aws sts get-caller-identity) and their permissions on the bucket');
    }
    if ((error instanceof S3ServiceException && error.$metadata.httpStatusCode !== undefined && error.$metadata.httpStatusCode >= 500) || name === 'SlowDown') {
      return new ArchiveUnavailable(
        `S3 failed for ${this.location} (${name}) while reading or writing ${key}, after retries`,
        'S3 is having trouble: run again later; a harvest it stopped is taken over and closed by the next one, which resumes where it stopped',
      );
    }
    if (error instanceof Error && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT/.test(`${errorName(error)} ${error.message}`)) {
      return new ArchiveUnavailable(`cannot reach S3 for ${this.location}: ${error.message}`, 'check the network, the region, and AWS_ENDPOINT_URL_S3 if set');
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof S3ServiceException && error.$metadata.httpStatusCode === status;
}

function errorName(error: unknown): string {
  if (error instanceof Error) return ('code' in error && typeof error.code === 'string' ? error.code : undefined) ?? error.name;
  return '';
}
