/*
 * How a harvest process is started, wherever it runs: `run` and `up` on this machine, the image's
 * ENTRYPOINT on AWS (the Dockerfile keeps the same flags; a test holds them equal).
 */
import { join } from 'node:path';
import { PACKAGE_ROOT } from './paths.js';

/**
 * V8 tuned for memory: a harvest allocates fast and briefly (a page or a stream message at a time)
 * and keeps little. The young generation at half its default (the default semi-spaces, 16 MB each,
 * grew a stream's peak RSS by about 25 MB for no speed), and `--optimize-for-size`, which makes
 * the heap grow less eagerly: measured side by side in bench:harvest, a 300,000-tweet stream
 * peaked at 75 MB instead of 118 MB and used less CPU (1.04x gzip -6 instead of 1.22x), and a
 * 2,000-user timeline harvest at 97 MB instead of 143-150 MB.
 */
export const HARVESTER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--optimize-for-size'];

/**
 * Set in the environment of a harvest that `run` or `up` starts on this machine, whose standard
 * input is then a pipe from that parent: the kernel closes it however the parent ends (SIGKILL,
 * a closed terminal), and the harvest stops gracefully instead of running on orphaned.
 */
export const ENDS_WITH_PARENT = 'TWARC_CLOUD_ENDS_WITH_PARENT';

/** How a parent on this machine starts a harvest that must not outlive it: its environment and stdio. */
export function childHarvestSpawn(
  env: NodeJS.ProcessEnv,
  output: 'inherit' | 'ignore',
  logs: 'inherit' | 'pipe' = 'inherit',
): { env: NodeJS.ProcessEnv; stdio: ['pipe', 'inherit' | 'ignore', 'inherit' | 'pipe'] } {
  return { env: { ...env, [ENDS_WITH_PARENT]: '1' }, stdio: ['pipe', output, logs] };
}

/** The arguments after the Node executable that start `twarc-cloud harvest <id>` on this machine. */
export function harvestProcessArgs(id: string, archive: string, extra: readonly string[] = []): string[] {
  return [...HARVESTER_NODE_FLAGS, join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'harvest', id, '--archive', archive, ...extra];
}

/** The arguments after the Node executable that start `twarc-cloud harvest-group <profile>` on this machine. */
export function harvestGroupProcessArgs(profile: string, archive: string, extra: readonly string[] = []): string[] {
  return [...HARVESTER_NODE_FLAGS, join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'harvest-group', profile, '--archive', archive, ...extra];
}

/**
 * What a compliance schedule runs, as the container's command of an EventBridge rule and as a
 * child of `up`: a collection not harvested yet is a note, not a failure.
 */
export function scheduledComplianceCommand(id: string): string[] {
  return ['compliance', id, '--skip-if-empty'];
}

/** The arguments after the Node executable that start a scheduled compliance check on this machine. */
export function complianceProcessArgs(id: string, archive: string): string[] {
  return [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), ...scheduledComplianceCommand(id), '--archive', archive];
}
