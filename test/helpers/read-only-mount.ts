import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import type { CliResult } from './run-cli.js';

/**
 * Runs the CLI with `folder` bind-mounted read-only over itself, in a mount namespace of its own
 * (no privilege needed), without blocking this process: the fake X API may be served from it.
 */
export function runCliOnReadOnly(
  folder: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"';
  const bin = join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js');
  const child = spawn('unshare', ['-rm', 'sh', '-c', script, 'sh', folder, process.execPath, bin, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'], NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      reject(new Error(`this test needs unshare (util-linux): apt-get install util-linux (${error.message})`));
    });
    child.on('close', (status) => {
      if (/unshare: |mount: /.test(stderr)) reject(new Error(`this machine does not allow a mount namespace for the test: ${stderr}`));
      else resolve({ status, stdout, stderr });
    });
  });
}
