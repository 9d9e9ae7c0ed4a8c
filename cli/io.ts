import { isatty } from 'node:tty';

/** What a command may touch of its process, so tests can run commands in-process with captured output. */
export interface CliIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdoutIsTty: boolean;
  /** The terminal's width when stdout is one. */
  readonly columns?: number;
  out(text: string): void;
  err(text: string): void;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTty: isatty(1),
    ...(isatty(1) && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {}),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  };
}
