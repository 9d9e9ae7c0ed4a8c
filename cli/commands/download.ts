import { UserError } from '../../platform/errors.js';
import { downloadCollection } from '../../curation/download/download.js';
import { complyOption, leftOutSummary } from './comply-option.js';
import { SINCE_HELP, sinceOption } from './since-option.js';
import { outputPath } from './output-option.js';
import { requireAnythingStored } from '../../curation/collection.js';
import { oneCollectionId, type CommandSpec } from '../command.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

export const downloadCommand: CommandSpec = {
  usage: `twarc-cloud download <id> [--dest dir] [--since 2026-01-01] [--clean] [--comply] ${TARGET_USAGE}`,
  help: [
    'Exit 1 when a tweet file does not match its manifest, or a key could not be written safely (both',
    'are listed). --dest must be new, empty, or an earlier download of the same collection: a folder',
    'holding an archive, a git repository or collection files is refused.',
    '',
    'Options:',
    '  --dest <dir>          where to put it (default: exports/<id>/archive)',
    SINCE_HELP,
    '  --clean               remove files that earlier downloads of this collection wrote into --dest',
    '                        and the archive no longer has (nothing else is ever removed)',
    '  --comply              leave out of the tweet files what the newest compliance run marks as',
    '                        deleted, suspended, protected or deactivated (twarc-cloud compliance)',
    targetHelp(),
    '',
  ].join('\n'),
  examples: [["A copy of a collection's archive, verified (exports/floods/archive)", 'twarc-cloud download floods']],
  options: {
    ...TARGET_OPTION,
    dest: { type: 'string' },
    since: { type: 'string' },
    clean: { type: 'boolean' },
    comply: { type: 'boolean' },
  },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    const since = sinceOption(args);
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    await requireAnythingStored(store, id);
    const dest = await outputPath(args.values['dest'], { cwd: io.cwd, projectRoot: settings.root }, id, 'archive');
    const comply = await complyOption(args, store, id);
    const tty = io.stdoutIsTty && io.env['NO_COLOR'] === undefined;
    const report = await downloadCollection(store, id, dest, {
      ...(since ? { since } : {}),
      clean: args.values['clean'] === true,
      ...(comply ? { comply } : {}),
      ...(tty
        ? {
            progress: (done: number, total: number, bytes: number) =>
              process.stderr.write(`\r${done}/${total} files, ${(bytes / 1e6).toFixed(1)} MB`),
          }
        : {}),
    });
    if (tty) process.stderr.write('\n');
    if (report.downloaded + report.skipped === 0)
      throw new UserError(`nothing in ${store.location} for collection ${id}`, 'check the id (twarc-cloud list)');
    io.out(
      `${id}: ${report.downloaded} downloaded (${(report.bytes / 1e6).toFixed(1)} MB), ${report.skipped} already there and verified${report.removed > 0 ? `, ${report.removed} removed` : ''} -> ${dest}`,
    );
    if (comply) io.out(leftOutSummary(comply, report.leftOut));
    for (const file of report.mismatches) io.err(`  MISMATCH: ${file} does not match manifest-sha1.txt`);
    for (const key of report.unsafe) io.err(`  SKIPPED: ${JSON.stringify(key)} would be written outside ${dest}`);
    return report.mismatches.length > 0 || report.unsafe.length > 0 ? 1 : 0;
  },
};
