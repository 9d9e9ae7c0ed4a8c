import { spawn, spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { PACKAGE_ROOT } from '../../platform/paths.js';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * What the CLI of a project at `root` needs to talk to a fake X API with `bearerToken` as the
 * default profile's token, and nothing of this machine's own settings (home, CI, GitHub actor).
 */
export function fakeApiEnv(root: string, baseUrl: string, bearerToken: string): NodeJS.ProcessEnv {
  return { HOME: root, TWARC_CLOUD_DEFAULT_BEARER_TOKEN: bearerToken, TWARC_CLOUD_API_BASE_URL: baseUrl, CI: '', GITHUB_ACTOR: '' };
}

/** Runs the real `twarc-cloud` launcher in a child process, as a user's shell would. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const env = cliEnv(options.env);
  const result = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), ...args], {
    cwd: options.cwd ?? PACKAGE_ROOT,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Output a user may see on bad input: never a stack trace, never the bug banner. */
export function assertNoCrash(result: CliResult): void {
  const output = result.stdout + result.stderr;
  if (/^\s+at .+:\d+:\d+\)?$/m.test(output) || output.includes('internal error')) {
    throw new Error(`the CLI crashed instead of reporting the problem:\n${output}`);
  }
}

/** The same, without blocking this process: for tests that serve the CLI from in-process servers. */
export function runCliAsync(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const env = cliEnv(options.env);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), ...args], {
      cwd: options.cwd ?? PACKAGE_ROOT,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => {
      resolve({ status, stdout, stderr });
    });
  });
}

/** A user's environment, without the GitHub Actions markers of the CI that may run the tests. */
function cliEnv(extra: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
  // As under `npm test` and `npm run`: the package's bin folder first on PATH, so hints name `twarc-cloud` however the tests were started.
  const path = [join(PACKAGE_ROOT, 'node_modules', '.bin'), process.env['PATH'] ?? ''].join(delimiter);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path, NO_COLOR: '1', ...extra };
  delete env['GITHUB_ACTIONS'];
  if (!extra?.['GITHUB_STEP_SUMMARY']) delete env['GITHUB_STEP_SUMMARY'];
  return env;
}

/**
 * Runs a command line in this process through the CLI's own entry (`runCli` of cli/main.ts), with
 * its output captured: the unit tier's way to test commands. Only what the process itself does
 * (signals, exit codes of the bin, the launcher) needs runCli's child process.
 */
export async function runInProcess(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const [{ runCli: run }, { COMMANDS }] = await Promise.all([import('../../cli/main.js'), import('../../cli/command-table.js')]);
  let stdout = '';
  let stderr = '';
  const line = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);
  const status = await run([...args], COMMANDS, {
    cwd: options.cwd ?? PACKAGE_ROOT,
    env: cliEnv(options.env),
    stdoutIsTty: false,
    out: (text) => (stdout += line(text)),
    err: (text) => (stderr += line(text)),
  });
  return { status, stdout, stderr };
}
