import { hostname } from 'node:os';
import { UserError } from '../../platform/errors.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { isDeadLocalProcess, processRuns } from '../../platform/local-process.js';
import { lockReleased, stopRunningHarvest } from '../../reconciler/stop/stop-harvest.js';
import { oneCollectionId, type CommandSpec } from '../command.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

const DEFAULT_WAIT_S = 120;

export const stopCommand: CommandSpec = {
  usage: `twarc-cloud stop <id> [--wait <s>] ${TARGET_USAGE}`,
  help: [
    "Stops a collection's running harvest gracefully, wherever it runs: through its control API, else a",
    'stop request in the archive; it stores what it has collected, its record and its state, then ends.',
    'When it has not ended within --wait, a harvest on this machine is sent SIGTERM (which also ends it',
    'gracefully). It stops one harvest: a schedule runs again at its next time; a stream group harvests the',
    'collection again once it is edited or the group restarts. To stop collecting, set `state: suspended` and apply.',
    '',
    'Options:',
    `  --wait <s>            seconds to wait for the harvest to end (default ${DEFAULT_WAIT_S})`,
    targetHelp(),
    '',
  ].join('\n'),
  examples: [['Stop a harvest and wait up to 5 minutes for it to store what it has', 'twarc-cloud stop floods --wait 300']],
  options: { ...TARGET_OPTION, wait: { type: 'string' } },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    const waitMs = waitOption(args.values['wait']) * 1000;
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    const lock = await readObject(store, collectionKeys(id).lock, 'lock');
    if (!lock) {
      io.out(`No harvest of ${id} is running.`);
      return 0;
    }
    const harvest = lock.value.harvest_id;
    if (isDeadLocalProcess(lock.value.holder)) {
      io.out(
        `Harvest ${harvest} of ${id} is not running: its process (pid ${lock.value.holder.pid}) on this machine is gone. ` +
          `Its lock is left over; twarc-cloud unlock ${id} releases it (the next harvest would take it over too).`,
      );
      return 0;
    }
    const outcome = await stopRunningHarvest(store, id, io.env['USER'] ?? 'operator', waitMs);
    const via = outcome.via === 'control-api' ? 'through its control API' : 'with a stop request in the archive';
    if (outcome.stopped) {
      io.out(`Stopped harvest ${harvest} of ${id} (${via}); what it collected, its record and its state are stored.`);
      return 0;
    }
    const { holder } = lock.value;
    if (holder.host === hostname() && holder.task === undefined && processRuns(holder.pid)) {
      process.kill(holder.pid, 'SIGTERM');
      if (await lockReleased(store, id, harvest, waitMs)) {
        io.out(`Stopped harvest ${harvest} of ${id} with SIGTERM after ${waitMs / 1000} s; what it collected is stored.`);
        return 0;
      }
    }
    throw new UserError(
      `harvest ${harvest} of ${id} was asked to stop (${via}) but has not ended within ${waitMs / 1000} s`,
      holder.task !== undefined || holder.host !== hostname()
        ? `it runs on ${holder.host}${holder.task !== undefined ? ` (task ${holder.task})` : ''}; it ends at its next check of the stop request. twarc-cloud status ${id} shows it`
        : `twarc-cloud status ${id} shows it; stop --wait <longer> waits more`,
    );
  },
};

function waitOption(raw: string | boolean | undefined): number {
  if (raw === undefined) return DEFAULT_WAIT_S;
  const seconds = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 3600)
    throw new UserError(`--wait ${String(raw)} is not a number of seconds from 1 to 3600`);
  return seconds;
}
