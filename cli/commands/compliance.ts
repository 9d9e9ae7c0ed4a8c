import { damagedWarning, type DamagedFiles } from '../../platform/archive/harvest-files.js';
import { UserError } from '../../platform/errors.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { appClient } from '../../platform/x-api/app-client.js';
import type { XApiClient } from '../../platform/x-api/client.js';
import type { LeftOutLines } from '../../platform/x-api/compliance-jobs.js';
import { NothingHarvested, runCompliance } from '../../curation/compliance/run-compliance.js';
import { requireCollection } from '../../curation/collection.js';
import { oneCollectionId, type CommandSpec, type ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';
import type { ArchiveChoice } from './archive-option.js';
import { envNumber } from './harvester-options.js';

export function complianceCommand(archive: ArchiveChoice): CommandSpec {
  return {
    talksToX: true,
    usage: 'twarc-cloud compliance <id> [--credentials <profile>] [--poll-seconds 30] [--skip-if-empty] [--strict] [--archive <location>]',
    help: [
      "Submits every tweet id and user id the collection's harvests stored to X's batch compliance jobs,",
      'waits for them, and writes what X answered into the archive (collections/<id>/compliance/<run>/).',
      'Nothing harvested is changed or deleted: download --comply and export --comply leave out what the',
      "newest run marks as deleted, suspended, protected or deactivated. A collection file's",
      '`compliance: { schedule }` runs this on a schedule (up locally, an EventBridge rule on AWS).',
      '',
      'Options:',
      "  --credentials <p>     the profile whose app runs the jobs (default: the collection's own)",
      "  --poll-seconds <n>    between checks of a job's status (default 30; jobs take minutes to hours)",
      '  --skip-if-empty       a collection with no harvested tweet yet is a note and exit 0 (what schedules pass)',
      '  --strict              fail at a damaged tweet file, before any job is made, instead of submitting what can be read',
      ...archive.help,
      '',
    ].join('\n'),
    options: {
      ...archive.options,
      credentials: { type: 'string' },
      'poll-seconds': { type: 'string' },
      'skip-if-empty': { type: 'boolean' },
      strict: { type: 'boolean' },
    },
    async run(args, io) {
      const id = oneCollectionId(this, args);
      const pollMs = pollInterval(args, io);
      const store = await archive.open(args, io);
      const config = await requireCollection(store, id);
      const flag = args.values['credentials'];
      const profile = typeof flag === 'string' ? flag : config.credentials;
      const openClient = (): Promise<XApiClient> => complianceClient(profile, io);
      try {
        const storageIdleMs = envNumber(io, 'TWARC_CLOUD_STORAGE_IDLE_MS');
        const damaged: DamagedFiles = new Map();
        const record = await runCompliance(store, openClient, config, {
          pollMs,
          ...(args.values['strict'] === true ? {} : { damaged }),
          ...(storageIdleMs !== undefined ? { storageIdleMs } : {}),
          onIds: (tweets, users, files) => {
            io.err(`${id}: ${tweets} tweet ids and ${users} user ids from ${files} tweet files`);
          },
          onStatus: (job) => {
            io.err(`  ${job.type} job ${job.id}: ${job.status}`);
          },
          onLeftOut: (type, leftOut) => {
            const note = leftOutNote(type, leftOut);
            if (note !== undefined) io.err(note);
          },
        });
        io.out(`${id}: compliance run ${record.run_id} over ${record.harvests.count} harvests`);
        const damagedNote = damagedWarning(damaged);
        if (damagedNote !== undefined) io.err(damagedNote);
        for (const job of record.jobs) {
          const reasons = Object.entries(job.reasons)
            .map(([reason, count]) => `${reason} ${count}`)
            .join(', ');
          io.out(`  ${job.type}: ${job.ids} checked (job ${job.job_id}), ${job.events} with events${reasons !== '' ? `: ${reasons}` : ''}`);
        }
        io.out(`  -> ${store.location}/${collectionKeys(id).compliance(record.run_id).prefix}`);
        return 0;
      } catch (error) {
        if (!(error instanceof NothingHarvested) || args.values['skip-if-empty'] !== true) throw error;
        io.out(`${id}: no harvested tweets yet; nothing to check (--skip-if-empty)`);
        return 0;
      }
    },
  };
}

/** An app-authenticated client of the profile, or the user's mistake that keeps it from being one. */
async function complianceClient(profile: string, io: CliIo): Promise<XApiClient> {
  const client = await appClient(profile, io.env, 10);
  if (client === 'no-credentials')
    throw new UserError(`no X API credentials for profile "${profile}"`, 'twarc-cloud credentials shows where credentials are looked for');
  if (client === 'no-bearer-token')
    throw new UserError(
      `profile "${profile}" has no bearer token, and X's compliance jobs take only app authentication`,
      'add bearer_token to the profile: it is on the app\'s "Keys and tokens" page in the X developer portal',
    );
  return client;
}

function leftOutNote(type: string, { notSubmitted, malformed, repeated }: LeftOutLines): string | undefined {
  const total = notSubmitted + malformed + repeated;
  if (total === 0) return undefined;
  return `warning: ${total} line${total === 1 ? '' : 's'} of X's ${type} results left out, not kept: ${notSubmitted} about ids never submitted, ${malformed} with a reason or action that is not one, ${repeated} repeated`;
}

/** --poll-seconds, or the test knob TWARC_CLOUD_COMPLIANCE_POLL_MS that a scheduled run's environment may carry. */
function pollInterval(args: ParsedArgs, io: CliIo): number {
  const pollText = args.values['poll-seconds'];
  if (pollText === undefined) return envNumber(io, 'TWARC_CLOUD_COMPLIANCE_POLL_MS') ?? 30_000;
  const pollSeconds = Number(pollText);
  // At least a second: X's jobs take minutes, and asking faster only spends the rate limit.
  if (typeof pollText !== 'string' || !Number.isFinite(pollSeconds) || pollSeconds < 1 || pollSeconds > 3600)
    throw new UserError(`--poll-seconds must be a number of seconds from 1 to 3600, not "${String(pollText)}"`);
  return pollSeconds * 1000;
}
