/*
 * The spool: a folder on the harvester's own disk that holds the tweet file being written until it
 * is rotated and stored. Each harvest has one, named by collection, harvest and process; a harvest
 * killed outright leaves its own behind, and the next harvest on this machine removes those of
 * processes that no longer run (their data was never stored, and their state never moved past it).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { processRuns } from '../../platform/local-process.js';

const SPOOL = /^twarc-cloud-[a-z0-9-]+-\d{8}T\d{6}Z-(\d+)$/;

export function spoolDirFor(base: string, collectionId: string, harvestId: string): string {
  return join(base, `twarc-cloud-${collectionId}-${harvestId}-${process.pid}`);
}

/** Removes the spool folders of harvests whose process is gone; returns their names. */
export async function sweepDeadSpools(base: string): Promise<string[]> {
  const entries = await readdir(base, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    const pid = SPOOL.exec(entry.name)?.[1];
    if (pid === undefined || !entry.isDirectory() || processRuns(Number(pid))) continue;
    await rm(join(base, entry.name), { recursive: true, force: true });
    removed.push(entry.name);
  }
  return removed;
}
