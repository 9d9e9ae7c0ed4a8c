import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HARVESTER_NODE_FLAGS } from '../platform/harvester-launch.js';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { CASE_LIMIT_MS } from './measure.js';

/** Production's settings: the tests poll for stop requests every 200 ms, the harvester every 10 s. */
export const PRODUCTION = { TWARC_CLOUD_STOP_POLL_MS: '10000' };

export interface Usage {
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
}

/** Runs the harvester (`harvest`, or `harvest-group` with command) in a child process that reports its own resource usage when done. */
export function harvestWithUsage(
  args: string[],
  env: NodeJS.ProcessEnv,
  command: 'harvest' | 'harvest-group' = 'harvest',
): Promise<{ code: number | null; usage: Usage; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...HARVESTER_NODE_FLAGS, join(PACKAGE_ROOT, 'dist', 'bench', 'harvest-child.js'), command, ...args],
      {
        // BENCH_NODE_OPTIONS tries V8 settings on the harvester alone (e.g. --max-semi-space-size=4).
        env: {
          PATH: process.env['PATH'],
          ...env,
          ...(process.env['BENCH_NODE_OPTIONS'] ? { NODE_OPTIONS: process.env['BENCH_NODE_OPTIONS'] } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A case that hangs (a stream that never reaches max_records) ends here, as a failure, not a stuck bench.
    const limit = setTimeout(() => {
      stderr += `\nbench: the harvester ran past the case's time limit (${CASE_LIMIT_MS / 1000} s, BENCH_CASE_LIMIT_S) and was killed`;
      child.kill('SIGKILL');
    }, CASE_LIMIT_MS);
    child.on('close', (code) => {
      clearTimeout(limit);
      const usage = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Usage;
      resolve({ code, usage, stderr });
    });
  });
}
