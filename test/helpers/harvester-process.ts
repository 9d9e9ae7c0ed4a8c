import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../platform/paths.js';

export interface HarvestRun {
  readonly child: ChildProcess;
  /** Resolves when the process exits, with its exit code (or the signal that ended it) and output. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Standard error so far: the JSON log lines. */
  stderr(): string;
  /** Resolves when a log line matching `pattern` has appeared. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * Starts `twarc-cloud harvest` as a real child process, without blocking the event loop, so that
 * servers the test runs in-process (the fake X API) keep answering it.
 */
export function startHarvest(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  command: 'harvest' | 'harvest-group' = 'harvest',
): HarvestRun {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), command, ...args], {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    stderr: () => stderr,
    waitForLog: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = stderr.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) resolve(line);
          return line !== undefined;
        };
        if (check()) return;
        const timer = setTimeout(() => {
          reject(new Error(`no log line matching ${String(pattern)} within ${timeoutMs} ms:\n${stderr}`));
        }, timeoutMs);
        watchers.push(() => {
          if (check()) clearTimeout(timer);
        });
        void done.then(() => {
          if (!check()) {
            clearTimeout(timer);
            reject(new Error(`the harvester exited before logging ${String(pattern)}:\n${stderr}`));
          }
        });
      }),
  };
}
