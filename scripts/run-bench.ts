/*
 * Runs one benchmark (`npm run bench:<name>`) under a scratch temp directory of its own (TMPDIR for
 * the bench and every process it starts), removed when it ends, however it ends: a bench writes
 * archives of a million tweets, and none may be left behind. The whole run has a time limit too
 * (BENCH_TIME_LIMIT_S, default 2 hours), on top of each case's (BENCH_CASE_LIMIT_S).
 *
 *   node dist/scripts/run-bench.js validate|plan|apply|startup|export|harvest|group-task
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';

const [name] = process.argv.slice(2);
const bench = join(PACKAGE_ROOT, 'dist', 'bench', `${name ?? ''}.bench.js`);
if (name === undefined || !existsSync(bench)) {
  process.stderr.write(`run-bench: no bench named "${name ?? ''}" (dist/bench/<name>.bench.js); run npm run build first\n`);
  process.exit(2);
}
const limitMs = 1000 * Number(process.env['BENCH_TIME_LIMIT_S'] ?? 7200);
const scratch = mkdtempSync(join(tmpdir(), 'twarc-cloud-bench-'));
// A process group of its own, so that the limit and Ctrl-C end the harvesters and servers it started too.
const child = spawn(process.execPath, [bench], {
  stdio: 'inherit',
  detached: true,
  env: { ...process.env, TMPDIR: scratch, TEMP: scratch, TMP: scratch },
});
const endGroup = (signal: NodeJS.Signals): void => {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
const limit = setTimeout(() => {
  process.stderr.write(`run-bench: ${name} ran past its time limit (${limitMs / 1000} s, BENCH_TIME_LIMIT_S) and was stopped\n`);
  endGroup('SIGKILL');
}, limitMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    endGroup(signal);
  });
child.on('close', (code, signal) => {
  clearTimeout(limit);
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  process.exitCode = code ?? (signal ? 1 : 0);
});
