import type { ChildProcess } from 'node:child_process';

/**
 * Ends a process that runs children of its own (`up` and its harvests): SIGINT has it stop them
 * gracefully; SIGKILL follows only if it has not exited within `graceMs`. A test that fails part
 * way therefore leaves no harvester running on, holding the test run open.
 */
export async function endGracefully(child: ChildProcess, exited: Promise<unknown>, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    exited.then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(resolve, graceMs, false);
    }),
  ]);
  clearTimeout(timer);
  if (!ended) child.kill('SIGKILL');
}
