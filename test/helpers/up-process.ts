import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { SECRET_BEARER } from './archive-fixtures.js';
import { endGracefully } from './end-gracefully.js';

export interface UpProcess {
  /** Everything it wrote to standard output and error so far. */
  output(): string;
  readonly exited: Promise<number | null>;
  /** Its process id. */
  readonly pid: number;
  /** Sends a signal while it runs. */
  kill(signal: NodeJS.Signals): void;
  /** Ends it gracefully (SIGINT, then SIGKILL after 30 s), for a test's finally. */
  end(): Promise<void>;
}

/**
 * `twarc-cloud up` in `root`, as a user starts it, with the default profile's bearer token and the
 * test knobs that keep it quick (sync every 300 ms, short backoff and stop polls); `env` adds to them.
 */
export function startUp(root: string, env: NodeJS.ProcessEnv = {}): UpProcess {
  const up = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'up'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'],
      HOME: root,
      TWARC_CLOUD_DEFAULT_BEARER_TOKEN: SECRET_BEARER,
      TWARC_CLOUD_UP_SYNC_MS: '300',
      TWARC_CLOUD_BACKOFF_SCALE: '0.01',
      TWARC_CLOUD_STOP_POLL_MS: '200',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  up.stdout.on('data', (c: Buffer) => (output += c.toString()));
  up.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => up.on('close', resolve));
  return {
    output: () => output,
    pid: up.pid ?? 0,
    exited,
    kill: (signal) => {
      if (up.exitCode === null) up.kill(signal);
    },
    end: () => endGracefully(up, exited),
  };
}
