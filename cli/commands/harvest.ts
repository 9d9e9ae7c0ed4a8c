import { HARVEST_EXIT } from '../../platform/harvest-exit.js';
import { runHarvest } from '../../harvester/run-harvest.js';
import { LockHeld } from '../../harvester/take-lock.js';
import { oneCollectionId, type CommandSpec } from '../command.js';
import type { CliIo } from '../io.js';
import {
  archiveLocation,
  envNumber,
  envTuning,
  HARVESTER_OPTIONS,
  numberOption,
  optional,
  secondsOption,
  stoppedBySignals,
  stringOption,
} from './harvester-options.js';
import { apiBaseUrl } from './x-api-options.js';

/**
 * The harvest command, with where the archive is when neither --archive nor TWARC_CLOUD_ARCHIVE
 * says: the project's twarc-cloud.yaml for the full CLI, nowhere for the container (ECS sets the
 * variable), so that the container's bundle carries no reconciler code.
 */
export function harvestCommand(defaultArchive: (io: CliIo) => string): CommandSpec {
  return {
    talksToX: true,
    usage: 'twarc-cloud harvest <collection-id> [--archive <dir|s3://bucket[/prefix]>] [options]',
    help: [
      'Logs are JSON lines on standard error. Exit codes: 0 completed or stopped, 1 failed,',
      `${HARVEST_EXIT.lockHeld} another harvest of the collection is running.`,
      "Credentials come from the environment, twarc2's config file, or SSM (TWARC_CLOUD_SSM_PATH); never from arguments.",
      '',
      'Options:',
      '  --archive <location>   the archive (default: local.archive of twarc-cloud.yaml, or TWARC_CLOUD_ARCHIVE)',
      '  --control-host <host>  address the control API listens on (default 127.0.0.1)',
      '  --control-port <port>  its port (default: any free port; the URL is written to lock.json)',
      '  --advertise-host <h>   host name written to lock.json for reaching the control API',
      '  --stale-after <s>      seconds without heartbeat before a lock counts as abandoned (default 300)',
      '  --concurrency <n>      timelines fetched at once, within the rate limit (default 8)',
      '',
      "A filter collection streams as a stream group of one: its own rules on its profile's connection, until",
      'it is stopped, reaches its max_records, or is suspended or removed (harvest-group streams a whole profile).',
      '',
    ].join('\n'),
    options: {
      ...HARVESTER_OPTIONS,
      concurrency: { type: 'string' },
    },
    async run(args, io) {
      const collectionId = oneCollectionId(this, args);
      return stoppedBySignals(io, async (stop) => {
        try {
          const outcome = await runHarvest({
            collectionId,
            archive: archiveLocation(args, io, defaultArchive),
            env: io.env,
            writeLog: (line) => {
              io.err(line);
            },
            stop,
            apiBaseUrl: apiBaseUrl(args, io),
            ...optional('controlHost', stringOption(args, 'control-host')),
            ...optional('controlPort', numberOption(args, 'control-port', 0, 65535)),
            ...optional('advertiseHost', stringOption(args, 'advertise-host')),
            ...optional('staleAfterMs', secondsOption(args, 'stale-after')),
            ...optional('stopPollMs', envNumber(io, 'TWARC_CLOUD_STOP_POLL_MS')),
            ...optional('syncMs', envNumber(io, 'TWARC_CLOUD_GROUP_SYNC_MS')),
            tuning: { ...optional('concurrency', numberOption(args, 'concurrency', 1, 64)), ...envTuning(io) },
          });
          return outcome === 'failed' ? HARVEST_EXIT.failed : HARVEST_EXIT.ok;
        } catch (error) {
          if (error instanceof LockHeld) {
            io.err(`twarc-cloud: ${error.message}\n  hint: ${error.hint ?? ''}`);
            return HARVEST_EXIT.lockHeld;
          }
          throw error;
        }
      });
    },
  };
}
