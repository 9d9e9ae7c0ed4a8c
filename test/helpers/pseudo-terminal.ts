/*
 * A command on a terminal, as a person runs it: util-linux's `script` gives it a pseudo-terminal of
 * a set size, so that it draws what it draws for people (progress, colour), and its screen is read.
 */
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';

export function requireScript(): void {
  const found = spawnSync('script', ['--version'], { encoding: 'utf8' });
  assert.equal(found.status, 0, 'this spec needs `script` from util-linux for a pseudo-terminal: apt-get install util-linux');
}

/**
 * The `script` arguments that run `argv` on a terminal of `cols` by `rows`. With `pidFile`, the
 * command's process id is written there first (the shell execs it), so a test can signal it as
 * Ctrl-C does.
 */
export function onTerminal(argv: readonly string[], options: { cols?: number; rows?: number; pidFile?: string } = {}): string[] {
  const quoted = argv.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ');
  const pid = options.pidFile !== undefined ? `echo $$ > '${options.pidFile}'; ` : '';
  return ['-qfec', `stty rows ${options.rows ?? 40} cols ${options.cols ?? 120}; ${pid}exec ${quoted}`, '/dev/null'];
}
