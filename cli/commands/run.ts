import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { oneCollectionId, type CommandSpec } from '../command.js';
import { reconcileSettings, targetStore, TARGET_OPTION, targetHelp } from './reconcile-options.js';

export const runCommand: CommandSpec = {
  usage: 'twarc-cloud run <id> [--target local|aws]',
  help: [
    'Logs go to standard error; Ctrl-C stops the harvest gracefully. Exit codes as for harvest.',
    '',
    'Options:',
    targetHelp(),
    '',
  ].join('\n'),
  options: { ...TARGET_OPTION },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    // A child process of its own, so that Ctrl-C reaches the harvest exactly as a signal reaches a task.
    const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'harvest', id, '--archive', store.location], {
      env: io.env,
      stdio: 'inherit',
    });
    const ignore = (): void => undefined;
    process.on('SIGINT', ignore);
    try {
      return await new Promise<number>((resolve) =>
        child.on('close', (code) => {
          resolve(code ?? 1);
        }),
      );
    } finally {
      process.off('SIGINT', ignore);
    }
  },
};
