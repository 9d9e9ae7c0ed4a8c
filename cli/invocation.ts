/*
 * How a person can run this program from their shell: `twarc-cloud` where it is on PATH (a global
 * install, or npm's bin folder), else `npx twarc-cloud` (a clone after `npm ci`, where it is not).
 * Hints and the demo name commands this way.
 */

import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const PROGRAM = 'twarc-cloud';

export function invocation(env: NodeJS.ProcessEnv): string {
  const onPath = (env['PATH'] ?? '').split(delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(join(dir, PROGRAM), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return onPath ? PROGRAM : `npx ${PROGRAM}`;
}

/** A hint naming `twarc-cloud <command>` (one of `commands`, or an option), with the program named as the user can run it. */
export function runnable(hint: string, env: NodeJS.ProcessEnv, commands: readonly string[]): string {
  const program = invocation(env);
  if (program === PROGRAM) return hint;
  const command = new RegExp(`(^|[\\s(\`'"])${PROGRAM} (?=(${commands.join('|')})\\b|--)`, 'g');
  return hint.replace(command, `$1${program} `);
}
