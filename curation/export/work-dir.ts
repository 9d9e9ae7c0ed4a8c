import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRuns } from '../../platform/local-process.js';

const PREFIX = 'twarc-cloud-export-';

/**
 * A work folder for one export in the temp directory, named by this process; the folders of
 * exports that were killed (their process is gone) are removed first, so none stays for ever.
 */
export async function exportWorkDir(): Promise<string> {
  const temp = tmpdir();
  for (const entry of await readdir(temp).catch(() => [] as string[])) {
    if (!entry.startsWith(PREFIX)) continue;
    const pid = Number(entry.slice(PREFIX.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processRuns(pid))
      await rm(join(temp, entry), { recursive: true, force: true });
  }
  return join(temp, `${PREFIX}${process.pid}-${Date.now()}`);
}
