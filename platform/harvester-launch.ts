/*
 * How a harvest process is started, wherever it runs: `run` and `up` on this machine, the image's
 * ENTRYPOINT on AWS (the Dockerfile keeps the same flags; a test holds them equal).
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

/**
 * V8's young generation at half its default: a stream harvest allocates fast and briefly, and the
 * default semi-spaces (16 MB each) grew its peak RSS by about 25 MB for no speed (bench:harvest).
 */
export const HARVESTER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];

/** The arguments after the Node executable that start `twarc-cloud harvest <id>` on this machine. */
export function harvestProcessArgs(id: string, archive: string, extra: readonly string[] = []): string[] {
  return [...HARVESTER_NODE_FLAGS, join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'harvest', id, '--archive', archive, ...extra];
}
