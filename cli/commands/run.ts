import { targetNamed } from '../../targets/targets.js';
import { oneCollectionId, type CommandSpec } from '../command.js';
import { followHarvests } from '../progress/follow-harvests.js';
import { LOG_FORMAT_HELP, LOG_FORMAT_OPTION, showsProgress } from './log-format-option.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp } from './reconcile-options.js';
import { apiBaseUrl } from './x-api-options.js';

export const runCommand: CommandSpec = {
  talksToX: true,
  usage: `twarc-cloud run <id> ${TARGET_USAGE}`,
  help: [
    'Locally, runs the harvest here, its progress on a terminal (else its JSON log lines on standard',
    'error); Ctrl-C, SIGINT or SIGTERM stops it',
    'gracefully (the signal is passed on, and run waits for the harvest to store what it has); exit codes',
    'as for harvest. On AWS, starts it as an ECS task, as its schedule would, and prints how to follow it.',
    '',
    'Options:',
    LOG_FORMAT_HELP,
    targetHelp(),
    '',
  ].join('\n'),
  examples: [
    ['Harvest a collection now, with progress on the terminal', 'twarc-cloud run floods'],
    ['The same, its JSON log lines kept in a file', 'twarc-cloud run floods --log-format json 2> floods.log'],
  ],
  options: { ...TARGET_OPTION, ...LOG_FORMAT_OPTION },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    const wantsProgress = showsProgress(args, io);
    const { settings, targetName } = reconcileSettings(args, io);
    const say = (line: string): void => {
      io.out(line);
    };
    const target = await targetNamed(targetName).open(settings, { actor: io.env['USER'] ?? 'operator', report: say });
    // Ctrl-C, SIGINT or SIGTERM to run reach the harvest once, as the signal that was sent.
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals): void => {
      stop.abort(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const progress = wantsProgress && targetName === 'local' ? followHarvests(target.store, [id]) : undefined;
    try {
      return await target.harvestNow(id, {
        env: io.env,
        apiBaseUrl: apiBaseUrl(args, io),
        stop: stop.signal,
        say,
        ...(progress
          ? {
              logLine: (line: string) => {
                progress.logLine(line);
              },
            }
          : {}),
      });
    } finally {
      await progress?.done();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
