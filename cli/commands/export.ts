import { UserError } from '../../platform/errors.js';
import { requireCollection } from '../../curation/collection.js';
import { exportTweets } from '../../curation/export/export-tweets.js';
import { exportWorkDir } from '../../curation/export/work-dir.js';
import { damagedWarning } from '../../platform/archive/harvest-files.js';
import { openOutput } from '../../platform/output-file.js';
import { choiceOption, oneCollectionId, type CommandSpec } from '../command.js';
import { complyOption, leftOutSummary } from './comply-option.js';
import { FORCE_HELP, FORCE_OPTION, outputOptions, outputPath } from './output-option.js';
import { SINCE_HELP, sinceOption } from './since-option.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

export const exportCommand: CommandSpec = {
  usage: `twarc-cloud export <id> --format csv|parquet|jsonl [--out file] [--force] [--strict] [--since 2026-01-01] [--comply] ${TARGET_USAGE}`,
  help: [
    'One row per tweet with its expansions resolved (author, referenced tweets, media, places, polls),',
    "in twarc-csv's column names; a tweet harvested more than once is exported once, as last retrieved.",
    'Read by DuckDB from the gzipped files themselves, with bounded memory whatever the collection size.',
    '',
    'Options:',
    '  --format <f>          csv, parquet or jsonl (required)',
    '  --out <file>          where to write it (default: exports/<id>/<id>.<format>), whole or not at all',
    FORCE_HELP,
    '  --strict              fail at a damaged tweet file instead of exporting what can be read of it',
    SINCE_HELP,
    '  --comply              leave out what the newest compliance run marks as deleted, suspended,',
    '                        protected or deactivated (twarc-cloud compliance), and say how many',
    targetHelp(),
    '',
  ].join('\n'),
  examples: [
    ["A CSV in twarc-csv's columns (exports/floods/floods.csv)", 'twarc-cloud export floods --format csv'],
    [
      "Parquet of this year's posts, without those X says are deleted",
      'twarc-cloud export floods --format parquet --since 2026-01-01 --comply',
    ],
  ],
  options: {
    ...TARGET_OPTION,
    format: { type: 'string' },
    out: { type: 'string' },
    ...FORCE_OPTION,
    strict: { type: 'boolean' },
    since: { type: 'string' },
    comply: { type: 'boolean' },
  },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    if (args.values['format'] === undefined) throw new UserError('export needs --format csv, parquet or jsonl');
    const format = choiceOption(args, 'format', ['csv', 'parquet', 'jsonl'] as const, 'csv');
    const since = sinceOption(args);
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    await requireCollection(store, id);
    const comply = await complyOption(args, store, id);
    const out = await outputPath(args.values['out'], { cwd: io.cwd, projectRoot: settings.root }, id, `${id}.${format}`);
    const output = await openOutput(out, outputOptions(args));
    const tty = io.stdoutIsTty && io.env['NO_COLOR'] === undefined;
    const report = await exportTweets(store, id, {
      format,
      out: output,
      strict: args.values['strict'] === true,
      workDir: await exportWorkDir(),
      ...(since ? { since } : {}),
      ...(comply ? { comply } : {}),
      ...(tty
        ? {
            progress: (done: number, total: number, rows: number) => {
              process.stderr.write(`\r${done}/${total} files, ${rows} tweets`);
            },
          }
        : {}),
    });
    if (tty) process.stderr.write('\n');
    io.out(
      `${id}: ${report.rows} tweets from ${report.files} files${report.duplicates > 0 ? ` (${report.duplicates} duplicates exported once)` : ''} -> ${out}`,
    );
    if (comply) io.out(leftOutSummary(comply, report.leftOut));
    const damagedNote = damagedWarning(report.damagedFiles);
    if (damagedNote !== undefined) io.err(damagedNote);
    if (report.badLines > 0)
      io.err(
        `warning: ${report.badLines} ${report.badLines === 1 ? 'line that is' : 'lines that are'} not JSON passed over (the archive is unchanged): ${report.damaged
          .map((file) => `${file.key} (${file.lines})`)
          .join(', ')}`,
      );
    return 0;
  },
};
