import { openOutput, writeOutputFile } from '../../platform/output-file.js';
import { damagedWarning, type DamagedFiles } from '../../platform/archive/harvest-files.js';
import { UserError } from '../../platform/errors.js';
import { reportData } from '../../curation/report/report-data.js';
import { requireCollection } from '../../curation/collection.js';
import { reportHtml } from '../../curation/report/report-html.js';
import { recentVolumes, volumeSummaryMarkdown } from '../../curation/report/volume-summary.js';
import { oneCollectionId, type CommandSpec } from '../command.js';
import { FORCE_HELP, FORCE_OPTION, outputOptions, outputPath } from './output-option.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

export const reportCommand: CommandSpec = {
  usage: `twarc-cloud report <id> [--out report.html] [--force] [--strict] ${TARGET_USAGE} | report --volume-summary [--days 7]`,
  help: [
    'One self-contained HTML file (it opens without a network): tweets per hour or day with harvest',
    'runs and recorded gaps marked, the harvest history (outcome, tweets, requests, rate-limit waits),',
    'top hashtags, mentions, authors and languages, and for streams the matches of each rule.',
    '',
    'Options:',
    '  --out <file>          where to write it (default: exports/<id>/<id>-report.html)',
    FORCE_HELP,
    '  --strict              fail at a damaged tweet file instead of reporting what can be read of it',
    "  --volume-summary      instead, every collection's tweets of the last --days as Markdown with a",
    '                        Mermaid chart, for a job summary (>> $GITHUB_STEP_SUMMARY)',
    '  --days <n>            with --volume-summary: how many days (default 7)',
    targetHelp(),
    '',
  ].join('\n'),
  examples: [
    ['An HTML report of a collection (exports/floods/floods-report.html)', 'twarc-cloud report floods'],
    ["Every collection's last 3 days as Markdown", 'twarc-cloud report --volume-summary --days 3'],
  ],
  options: {
    ...TARGET_OPTION,
    out: { type: 'string' },
    ...FORCE_OPTION,
    strict: { type: 'boolean' },
    'volume-summary': { type: 'boolean' },
    days: { type: 'string' },
  },
  async run(args, io) {
    if (args.values['volume-summary'] === true) {
      const days = Number(args.values['days'] ?? 7);
      if (!Number.isInteger(days) || days < 1 || days > 92)
        throw new UserError(`--days must be a whole number of days from 1 to 92, not "${String(args.values['days'])}"`);
      const { settings, targetName } = reconcileSettings(args, io);
      const store = await targetStore(settings, targetName, { mustExist: true });
      io.out(volumeSummaryMarkdown(await recentVolumes(store, new Date(), days), days));
      return 0;
    }
    const id = oneCollectionId(this, args);
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    const config = await requireCollection(store, id);
    const out = await outputPath(args.values['out'], { cwd: io.cwd, projectRoot: settings.root }, id, `${id}-report.html`);
    const replace = outputOptions(args);
    await openOutput(out, replace);
    const damaged: DamagedFiles = new Map();
    const data = await reportData(store, config, new Date(), settings.prices, args.values['strict'] === true ? undefined : damaged);
    const damagedNote = damagedWarning(damaged);
    if (damagedNote !== undefined) io.err(damagedNote);
    await writeOutputFile(out, reportHtml(data), replace);
    const unmatched = data.stream?.unmatched.messages ?? 0;
    io.out(
      `${id}: ${data.tweets} tweets, ${data.harvests.length} harvests${unmatched > 0 ? `, ${unmatched} unmatched stream messages in its stream group` : ''} -> ${out}`,
    );
    return 0;
  },
};
