// The container's entry point (bundled by scripts/bundle.ts): the commands that schedules and
// services run (harvest, harvest-group, compliance), so that the image carries the harvester,
// curation's compliance and platform/, and none of the reconciler or its AWS and GitHub code.
import { openArchiveStore } from '../platform/archive/open-store.js';
import { UserError } from '../platform/errors.js';
import type { CommandEntry } from './command.js';
import { givenArchive } from './commands/archive-option.js';
import { runCliProcess } from './main.js';

function noDefaultArchive(): never {
  throw new UserError(
    'the harvester needs to know its archive',
    'pass --archive s3://<bucket> or set TWARC_CLOUD_ARCHIVE (terraform sets it in the task definition)',
  );
}

const HARVESTER_COMMANDS: readonly CommandEntry[] = [
  {
    name: 'harvest',
    summary: "Run one harvest of one collection from the archive's collection.json (what schedules and services run).",
    load: async () => (await import('./commands/harvest.js')).harvestCommand(noDefaultArchive),
  },
  {
    name: 'harvest-group',
    summary: 'Stream for every active filter collection of one credentials profile on one connection (what stream group services run).',
    load: async () => (await import('./commands/harvest-group.js')).harvestGroupCommand(noDefaultArchive),
  },
  {
    name: 'compliance',
    summary: "Check a collection's stored tweets and users against X's batch compliance jobs (what compliance schedules run).",
    load: async () =>
      (await import('./commands/compliance.js')).complianceCommand({
        options: { archive: { type: 'string' } },
        help: ['  --archive <location>  the archive (default: TWARC_CLOUD_ARCHIVE)'],
        open: (args, io) => openArchiveStore(givenArchive(args, io) ?? noDefaultArchive()),
      }),
  },
];

await runCliProcess(process.argv.slice(2), HARVESTER_COMMANDS);
