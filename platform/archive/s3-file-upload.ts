/*
 * Uploading a file that is on disk (a harvest's finished tweet file) to S3 without holding any of it
 * in memory: each part is streamed from its byte range of the file, with its SHA-256 worked out
 * beforehand by reading that range once, so that neither the SDK nor lib-storage buffers a part
 * (lib-storage holds every part in flight whole: 5 MB each, and copies for the checksum). A file of
 * one part or less is one PutObject. A failed multipart upload is aborted, so no parts are left billed.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { forEachConcurrently } from '../async.js';

/** S3's smallest part (but the last): a 250,000-tweet file is about a dozen of them. */
export const FILE_PART_SIZE = 5 * 1024 * 1024;
/** Parts uploading at once; each holds only a read stream's buffer. */
const PARTS_IN_FLIGHT = 2;

export async function uploadFile(
  client: S3Client,
  target: { readonly Bucket: string; readonly Key: string; readonly ContentType: string },
  path: string,
): Promise<{ etag: string }> {
  const { size } = await stat(path);
  if (size <= FILE_PART_SIZE) {
    const result = await client.send(
      new PutObjectCommand({ ...target, Body: createReadStream(path), ContentLength: size, ChecksumSHA256: await sha256Of(path, 0, size) }),
    );
    return { etag: result.ETag ?? '' };
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ ...target, ChecksumAlgorithm: 'SHA256' }));
  if (UploadId === undefined) throw new Error(`S3 started no multipart upload for ${target.Key}`);
  try {
    const ranges = Array.from({ length: Math.ceil(size / FILE_PART_SIZE) }, (_, i) => ({
      number: i + 1,
      start: i * FILE_PART_SIZE,
      end: Math.min(size, (i + 1) * FILE_PART_SIZE),
    }));
    const parts: CompletedPart[] = [];
    await forEachConcurrently(ranges, PARTS_IN_FLIGHT, async ({ number, start, end }) => {
      const checksum = await sha256Of(path, start, end);
      const result = await client.send(
        new UploadPartCommand({
          Bucket: target.Bucket,
          Key: target.Key,
          UploadId,
          PartNumber: number,
          Body: createReadStream(path, { start, end: end - 1 }),
          ContentLength: end - start,
          ChecksumSHA256: checksum,
        }),
      );
      parts.push({ PartNumber: number, ETag: result.ETag ?? '', ChecksumSHA256: checksum });
    });
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    const done = await client.send(
      new CompleteMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
    return { etag: done.ETag ?? '' };
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId })).catch(() => undefined);
    throw error;
  }
}

/** The base64 SHA-256 of bytes [start, end) of a file, as S3's checksum headers take it. */
async function sha256Of(path: string, start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  if (end > start) for await (const chunk of createReadStream(path, { start, end: end - 1 })) hash.update(chunk as Buffer);
  return hash.digest('base64');
}
