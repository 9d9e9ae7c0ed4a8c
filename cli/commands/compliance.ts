import { UserError } from '../../platform/errors.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { appClient } from '../../platform/x-api/app-client.js';
import { runCompliance } from '../../curation/compliance/run-compliance.js';
import { requireCollection } from '../../curation/collection.js';
import { latestCompliance, type ComplianceMarks } from '../../curation/compliance/latest-compliance.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { LeftOutCounts } from '../../curation/compliance/filter-pages.js';
import { oneCollectionId, type CommandSpec, type ParsedArgs } from '../command.js';
import { reconcileSettings, targetStore, TARGET_OPTION, targetHelp } from './reconcile-options.js';

export const complianceCommand: CommandSpec = {
  usage: 'twarc-cloud compliance <id> [--credentials <profile>] [--poll-seconds 30] [--target local|aws]',
  help: [
    "Submits every tweet id and user id the collection's harvests stored to X's batch compliance jobs,",
    'waits for them, and writes what X answered into the archive (collections/<id>/compliance/<run>/).',
    'Nothing harvested is changed or deleted: download --comply and export --comply leave out what the',
    'newest run marks as deleted, suspended, protected or deactivated.',
    '',
    'Options:',
    "  --credentials <p>     the profile whose app runs the jobs (default: the collection's own)",
    "  --poll-seconds <n>    between checks of a job's status (default 30; jobs take minutes to hours)",
    targetHelp(),
    '',
  ].join('\n'),
  options: { ...TARGET_OPTION, credentials: { type: 'string' }, 'poll-seconds': { type: 'string' } },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    const pollText = args.values['poll-seconds'];
    const pollSeconds = typeof pollText === 'string' ? Number(pollText) : 30;
    if (!Number.isFinite(pollSeconds) || pollSeconds < 0 || pollSeconds > 3600)
      throw new UserError(`--poll-seconds must be a number of seconds from 0 to 3600, not "${String(pollText)}"`);
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    const config = await requireCollection(store, id);
    const flag = args.values['credentials'];
    const profile = typeof flag === 'string' ? flag : config.credentials;
    const client = await appClient(profile, io.env, 10);
    if (client === 'no-credentials')
      throw new UserError(
        `no X API credentials for profile "${profile}"`,
        'twarc-cloud credentials shows where credentials are looked for',
      );
    if (client === 'no-bearer-token')
      throw new UserError(
        `profile "${profile}" has no bearer token, and X's compliance jobs take only app authentication`,
        'add bearer_token to the profile: it is on the app\'s "Keys and tokens" page in the X developer portal',
      );
    const record = await runCompliance(store, client, config, {
      pollMs: pollSeconds * 1000,
      onIds: (tweets, users, files) => {
        io.err(`${id}: ${tweets} tweet ids and ${users} user ids from ${files} tweet files`);
      },
      onStatus: (job) => {
        io.err(`  ${job.type} job ${job.id}: ${job.status}`);
      },
    });
    io.out(`${id}: compliance run ${record.run_id} over ${record.harvests.count} harvests`);
    for (const job of record.jobs) {
      const reasons = Object.entries(job.reasons)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ');
      io.out(`  ${job.type}: ${job.ids} checked (job ${job.job_id}), ${job.events} with events${reasons !== '' ? `: ${reasons}` : ''}`);
    }
    io.out(`  -> ${store.location}/${collectionKeys(id).compliance(record.run_id).prefix}`);
    return 0;
  },
};

/** What --comply left out, and by which run: one line for download and export. */
export function leftOutSummary(marks: ComplianceMarks, counts: LeftOutCounts): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const why = [...counts.entries()].map(([reason, count]) => `${count} ${reason}`).join(', ');
  return `  --comply: ${total} tweets left out by compliance run ${marks.record.run_id}${why !== '' ? ` (${why})` : ''}`;
}

/** What --comply goes by: the newest finished compliance run; refused when there is none. Undefined without --comply. */
export async function complyOption(args: ParsedArgs, store: ArchiveStore, id: string): Promise<ComplianceMarks | undefined> {
  if (args.values['comply'] !== true) return undefined;
  const marks = await latestCompliance(store, id);
  if (!marks)
    throw new UserError(
      `collection ${id} has no compliance run yet, so --comply has nothing to go by`,
      `run twarc-cloud compliance ${id} first`,
    );
  return marks;
}
