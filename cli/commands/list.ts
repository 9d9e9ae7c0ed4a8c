import { loadDesiredState } from '../../reconciler/desired/load-collections.js';
import { collectionRows, duplicatesOf, type CollectionRow } from '../../reconciler/inspect/collection-status.js';
import { spendCell, spendSummary, spendThisMonth } from '../../reconciler/inspect/spend.js';
import { desiredCollections } from '../../reconciler/plan/render-config.js';
import { choiceOption, type CommandSpec } from '../command.js';
import { NAME_RULES, reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

export const listCommand: CommandSpec = {
  usage: `twarc-cloud list ${TARGET_USAGE} [--format text|json]`,
  help: [
    'NEW is what the last harvest stored. POSTS counts each post once, as export writes them; DUPLICATES are the posts',
    'stored more than once (a lookup read again with refresh, searches that overlap), which export leaves out.',
    '',
    'Options:',
    targetHelp(),
    '  --format <f>          text (default) or json',
    '',
  ].join('\n'),
  examples: [
    ['Every collection', 'twarc-cloud list'],
    ['The same as JSON, for scripts', 'twarc-cloud list --format json'],
  ],
  options: { ...TARGET_OPTION, format: { type: 'string' } },
  async run(args, io) {
    const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text');
    const { settings, targetName } = reconcileSettings(args, io);
    const desired = desiredCollections((await loadDesiredState(settings, NAME_RULES, [], settings.root)).collections);
    const store = await targetStore(settings, targetName, { mustExist: true });
    const rows = await collectionRows(store, desired);
    const spend = await spendThisMonth(
      store,
      rows.map((r) => r.id),
      settings,
    );
    const spent = new Map(spend.collections.map((s) => [s.collection, s]));
    if (format === 'json') {
      io.out(
        `${JSON.stringify(
          rows.map((r) => ({ ...r, duplicates: duplicatesOf(r), spent_this_month: spent.get(r.id) })),
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    const table = [
      ['COLLECTION', 'TYPE', 'STATE', 'SCHEDULE', 'LAST HARVEST', 'NEW', 'POSTS', 'DUPLICATES', `SPENT ${spend.month}`],
      ...rows.map((r) => [
        r.id,
        r.type,
        r.state,
        r.schedule ?? '-',
        r.lastHarvest ? `${r.lastHarvest.endedAt.slice(0, 16).replace('T', ' ')} ${r.lastHarvest.outcome}` : '-',
        r.lastHarvest ? `+${r.lastHarvest.tweets}` : '-',
        postsCell(r),
        r.totalTweets === undefined ? '-' : (duplicatesOf(r)?.toString() ?? 'not counted'),
        spendCell(spent.get(r.id)),
      ]),
    ];
    const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
    io.out(
      table
        .map((row) =>
          row
            .map((cell, i) => cell.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd(),
        )
        .join('\n'),
    );
    const uncounted = rows.filter((r) => r.totalTweets !== undefined && r.distinctTweets === undefined).map((r) => r.id);
    if (uncounted.length > 0)
      io.out(
        `\nPOSTS of ${uncounted.join(', ')} may count a post stored twice more than once: their harvests ended before twarc-cloud counted distinct posts. Their next harvest counts them.\n`,
      );
    io.out(spendSummary(spend));
    return 0;
  },
};

/** Each post once, as an export writes them; the stored count where no harvest has counted them yet. */
function postsCell(row: CollectionRow): string {
  return String(row.distinctTweets ?? row.totalTweets ?? '-');
}
