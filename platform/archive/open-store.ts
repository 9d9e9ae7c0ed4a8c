import { resolve } from 'node:path';
import { LocalArchiveStore } from './local-store.js';
import type { ArchiveStore } from './store.js';

/**
 * The store for an archive location: `s3://bucket[/prefix]` or a directory. The one place that
 * chooses an adapter, so every command and the harvester accept the same locations. The AWS SDK
 * is loaded only for S3: a local harvest does not pay its start-up time and memory.
 */
export async function openArchiveStore(location: string, options: { region?: string } = {}): Promise<ArchiveStore> {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (s3) {
    const [, bucket = '', path = ''] = s3;
    const prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
    const { createS3Client, S3ArchiveStore } = await import('./s3-store.js');
    return new S3ArchiveStore(createS3Client(options.region ? { region: options.region } : {}), { bucket, prefix });
  }
  return new LocalArchiveStore(resolve(location));
}
