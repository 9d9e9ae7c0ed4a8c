import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeLeftoversOfDeadProcesses } from '../../platform/local-process.js';

const PREFIX = 'twarc-cloud-export-';

/**
 * A work folder for one export in the temp directory, named by this process; the folders of
 * exports that were killed (their process is gone) are removed first, so none stays for ever.
 */
export async function exportWorkDir(): Promise<string> {
  await removeLeftoversOfDeadProcesses(tmpdir(), PREFIX);
  return join(tmpdir(), `${PREFIX}${process.pid}-${Date.now()}`);
}
