// The container's entry point (bundled by scripts/bundle.ts): the harvest commands only, so that the
// image carries the harvester and platform/, and none of the reconciler or its AWS and GitHub code.
import { UserError } from '../platform/errors.js';
import type { CommandEntry } from './command.js';
import { runCliProcess } from './main.js';

const HARVESTER_COMMANDS: readonly CommandEntry[] = [
  {
    name: 'harvest',
    summary: "Run one harvest of one collection from the archive's collection.json (what schedules and services run).",
    load: async () =>
      (await import('./commands/harvest.js')).harvestCommand(() => {
        throw new UserError(
          'the harvester needs to know its archive',
          'pass --archive s3://<bucket> or set TWARC_CLOUD_ARCHIVE (terraform sets it in the task definition)',
        );
      }),
  },
  {
    name: 'harvest-group',
    summary: 'Stream for every active filter collection of one credentials profile on one connection (what stream group services run).',
    load: async () =>
      (await import('./commands/harvest-group.js')).harvestGroupCommand(() => {
        throw new UserError(
          'the harvester needs to know its archive',
          'pass --archive s3://<bucket> or set TWARC_CLOUD_ARCHIVE (terraform sets it in the task definition)',
        );
      }),
  },
];

await runCliProcess(process.argv.slice(2), HARVESTER_COMMANDS);
