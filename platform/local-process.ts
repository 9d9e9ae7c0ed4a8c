/*
 * Whether a lock's holder is a process on this machine that has died: such a lock can be taken
 * over at once instead of waiting for it to go stale (a harvest or an apply killed with SIGKILL,
 * or a laptop's Ctrl-C before the release); and clearing what such a process left behind.
 */
import { readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `holder` ran on this host (and not in a container task) and its process is gone. */
export function isDeadLocalProcess(holder: { readonly host: string; readonly pid: number; readonly task?: string }): boolean {
  return holder.host === hostname() && holder.task === undefined && !processRuns(holder.pid);
}

/**
 * Removes what killed processes of this machine left in `folder`: entries named `<prefix><pid>-...`
 * whose process is gone (a live one, this process included, is still writing there).
 */
export async function removeLeftoversOfDeadProcesses(folder: string, prefix: string): Promise<void> {
  for (const entry of await readdir(folder).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processRuns(pid)) await rm(join(folder, entry), { recursive: true, force: true });
  }
}
