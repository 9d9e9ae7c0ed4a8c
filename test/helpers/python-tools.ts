import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../platform/paths.js';

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
