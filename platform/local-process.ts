/*
 * Whether a lock's holder is a process on this machine that has died: such a lock can be taken
 * over at once instead of waiting for it to go stale (a harvest or an apply killed with SIGKILL,
 * or a laptop's Ctrl-C before the release).
 */
import { hostname } from 'node:os';

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
