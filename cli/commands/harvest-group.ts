import { UserError } from '../../platform/errors.js';
import { schemaPattern } from '../../platform/schema-validation.js';
import { HARVEST_EXIT } from '../../platform/harvest-exit.js';
import { openArchiveStore } from '../../platform/archive/open-store.js';
import { resolveCredentials } from '../../platform/credentials/resolve.js';
import { HARVEST_DEFAULTS } from '../../harvester/harvest-context.js';
import { runStreamGroup } from '../../harvester/stream-group/run-stream-group.js';
import type { CommandSpec } from '../command.js';
import type { CliIo } from '../io.js';
import {
  archiveLocation,
  envNumber,
  envTuning,
  HARVESTER_OPTIONS,
  numberOption,
  optional,
  secondsOption,
  OWN_SERVICE_OPTIONS,
  ownServiceEnd,
  stoppedBySignals,
  stringOption,
} from './harvester-options.js';
import { apiBaseUrl } from './x-api-options.js';

/** The collection schema owns what a profile name is. */
const PROFILE = new RegExp(schemaPattern('collection', 'credentials'));

/**
 * The stream group of one credentials profile: one connection for all of its active filter
 * collections, following the collections index (what `up` and the profile's ECS service run).
 */
export function harvestGroupCommand(defaultArchive: (io: CliIo) => string): CommandSpec {
  return {
    talksToX: true,
    usage: 'twarc-cloud harvest-group <credentials-profile> [--archive <dir|s3://bucket[/prefix]>] [options]',
    help: [
      'Streams for every active filter collection whose credentials are this profile, on the one connection X allows an app,',
      'each collection into its own harvests. Joins, edits and leaves are followed from the archive without reconnecting.',
      'Logs are JSON lines on standard error. Exit codes: 0 stopped or ended, 1 failed.',
      '',
      'Options:',
      '  --archive <location>   the archive (default: local.archive of twarc-cloud.yaml, or TWARC_CLOUD_ARCHIVE)',
      '  --control-host <host>  address the control API listens on (default 127.0.0.1)',
      "  --control-port <port>  its port (default: any free port; each member harvest's URL is in its lock.json)",
      '  --advertise-host <h>   host name written to lock.json for reaching the control API',
      '  --stale-after <s>      seconds without heartbeat before a lock counts as abandoned (default 300)',
      '  --sync <s>             how often the collections index is read for joins, edits and leaves (default 15)',
      '  --backfill-minutes <n>  on reconnecting, ask X to replay up to n minutes (1-5; Enterprise access only; default 0)',
      '  --ecs-cluster <arn>    the cluster of --ecs-service',
      '  --ecs-service <name>   the ECS service the group runs as: scaled to 0 once every member has stored its',
      '                         max_records; until it has members, the group waits for them',
      '',
    ].join('\n'),
    options: {
      ...HARVESTER_OPTIONS,
      ...OWN_SERVICE_OPTIONS,
      sync: { type: 'string' },
      'backfill-minutes': { type: 'string' },
    },
    async run(args, io) {
      const profile = args.positionals[0];
      if (profile === undefined || args.positionals.length !== 1 || !PROFILE.test(profile))
        throw new UserError('harvest-group takes one credentials profile name', `usage: ${this.usage}`);
      const endOwnService = ownServiceEnd(args);
      return stoppedBySignals(io, async (stop) => {
        const store = await openArchiveStore(archiveLocation(args, io, defaultArchive));
        const credentials = await resolveCredentials(profile, { env: io.env });
        const outcome = await runStreamGroup({
          profile,
          store,
          credentials,
          env: io.env,
          writeLog: (line) => {
            io.err(line);
          },
          stop,
          apiBaseUrl: apiBaseUrl(args, io),
          syncMs: secondsOption(args, 'sync') ?? envNumber(io, 'TWARC_CLOUD_GROUP_SYNC_MS') ?? HARVEST_DEFAULTS.groupSyncMs,
          staleAfterMs: secondsOption(args, 'stale-after') ?? HARVEST_DEFAULTS.staleAfterMs,
          stopPollMs: envNumber(io, 'TWARC_CLOUD_STOP_POLL_MS') ?? HARVEST_DEFAULTS.stopPollMs,
          controlHost: stringOption(args, 'control-host') ?? '127.0.0.1',
          controlPort: numberOption(args, 'control-port', 0, 65535) ?? 0,
          ...optional('advertiseHost', stringOption(args, 'advertise-host')),
          ...optional('backfillMinutes', numberOption(args, 'backfill-minutes', 0, 5)),
          ...optional('endOwnService', endOwnService),
          tuning: envTuning(io),
        });
        return outcome === 'failed' ? HARVEST_EXIT.failed : HARVEST_EXIT.ok;
      });
    },
  };
}
