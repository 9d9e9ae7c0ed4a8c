import { existsSync } from 'node:fs';
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
