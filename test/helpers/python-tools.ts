import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { TWARC_CSV_EXTRA_INPUT_COLUMNS } from '../../platform/x-api/fields.js';

const INSTALL =
  'npm test (which runs node dist/scripts/test-tools.js), or: python3 -m venv .venv && .venv/bin/pip install -r test/requirements.txt';

/** A command from the test virtual environment (.venv); fails with how to install it when missing. */
export function venvTool(name: string, venv = '.venv'): string {
  const path = join(PACKAGE_ROOT, venv, 'bin', name);
  if (!existsSync(path)) {
    throw new Error(`${name} is not installed, and this test needs it (Python 3 with venv is required). Install it with:\n  ${INSTALL}`);
  }
  return path;
}

/**
 * twarc2 csv's arguments for `input` into `output` as a researcher runs it on files with every
 * field X returns: the extra input columns it needs to keep from skipping batches of those posts.
 */
export function twarcCsvArguments(input: string, output: string): string[] {
  return ['csv', '--extra-input-columns', TWARC_CSV_EXTRA_INPUT_COLUMNS.join(','), input, output];
}

/**
 * Runs a tool in `dir`, a temp dir of the caller's own, which is also its HOME: twarc2 writes
 * twarc.log into its working directory, and none of them may write into the project.
 */
export function runTool(command: string, args: string[], dir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // twarc2 asks for credentials before any command, even offline ones; a dummy token satisfies it.
    const env = { PATH: process.env['PATH'], HOME: dir, BEARER_TOKEN: 'offline-use-only' };
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: dir });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

/** What twarc2's own tools make of one tweet file's lines: `twarc2 flatten`'s tweets and twarc-csv's rows; throws on a refusal. */
export async function readWithTwarcTools(text: string, name: string): Promise<{ flattened: string[]; csvRows: number }> {
  const twarc2 = venvTool('twarc2');
  const dir = await mkdtemp(join(tmpdir(), 'twarc2-read-'));
  const input = join(dir, 'in.jsonl');
  await writeFile(input, text);
  const flat = await runTool(twarc2, ['flatten', input, join(dir, 'flat.jsonl')], dir);
  if (flat.code !== 0) throw new Error(`twarc2 flatten refused ${name}:\n${flat.output}`);
  const flattened = (await readFile(join(dir, 'flat.jsonl'), 'utf8')).split('\n').filter(Boolean);
  const csv = await runTool(twarc2, twarcCsvArguments(input, join(dir, 'out.csv')), dir);
  if (csv.code !== 0) throw new Error(`twarc-csv refused ${name}:\n${csv.output}`);
  return { flattened, csvRows: (await readFile(join(dir, 'out.csv'), 'utf8')).trim().split('\n').length - 1 };
}
