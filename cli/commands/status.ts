import { UserError } from '../../platform/errors.js';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { duplicateCount } from '../../reconciler/inspect/collection-status.js';
import { postUsage, postUsageLine } from '../../reconciler/inspect/post-usage.js';
import { runningHarvest, runningHarvestLine } from '../../reconciler/inspect/running-harvest.js';
import { boughtLine, spendLines, spendThisMonth } from '../../reconciler/inspect/spend.js';
import { choiceOption, oneCollectionId, type CommandSpec } from '../command.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

export const statusCommand: CommandSpec = {
  talksToX: true,
  usage: `twarc-cloud status [id] ${TARGET_USAGE} [--credentials <profile>] [--format text|json]`,
  help: [
    "Also shows this month's spend on X reads, per collection and in all (the harvests' records, priced",
    "at x_api.prices), and how much of the Project's monthly Post cap is used (X's usage endpoint),",
    'asked with the app credentials of a profile (--credentials).',
    '',
    'Options:',
    targetHelp(),
    '  --credentials <p>     the credentials profile to ask X about usage with (default: default)',
    '  --format <f>          text (default) or json ({ running, usage, spend })',
    '',
  ].join('\n'),
  examples: [["Running harvests and this month's spend", 'twarc-cloud status']],
  options: { ...TARGET_OPTION, format: { type: 'string' }, credentials: { type: 'string' } },
  async run(args, io) {
    const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text');
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    const ids =
      args.positionals.length > 0
        ? args.positionals
        : Object.keys((await readObject(store, COLLECTIONS_INDEX_KEY, 'collections-index'))?.value.collections ?? {});
    const running = (await Promise.all(ids.map((id) => runningHarvest(store, id)))).filter((r) => r !== undefined);
    const profile = args.values['credentials'];
    const usage = await postUsage(typeof profile === 'string' ? profile : 'default', io.env);
    const spend = await spendThisMonth(store, ids, settings);
    if (format === 'json') io.out(`${JSON.stringify({ running, usage, spend }, null, 2)}\n`);
    else {
      if (running.length === 0) io.out('No harvest is running.');
      for (const r of running) io.out(runningHarvestLine(r));
      for (const line of spendLines(spend, usage)) io.out(line);
      io.out(postUsageLine(usage));
    }
    return 0;
  },
};

export const lastCommand: CommandSpec = {
  usage: `twarc-cloud last <id> ${TARGET_USAGE} [--format text|json]`,
  help: ['Options:', targetHelp(), '  --format <f>          text (default) or json', ''].join('\n'),
  options: { ...TARGET_OPTION, format: { type: 'string' } },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text');
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    const last = await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest');
    if (!last)
      throw new UserError(
        `collection ${id} has no finished harvest in ${store.location}`,
        'twarc-cloud list shows the collections and their last harvests',
      );
    const keys = collectionKeys(id).harvest(last.value.harvest_id);
    const record = (await readObject(store, keys.summary, 'harvest'))?.value;
    const changes = (await readObject(store, keys.userChanges, 'user-changes'))?.value.changes ?? [];
    if (format === 'json') {
      io.out(`${JSON.stringify({ harvest: record, user_changes: changes }, null, 2)}\n`);
      return 0;
    }
    io.out(
      `${id}: harvest ${last.value.harvest_id} ${last.value.outcome}${record?.stop_reason !== undefined ? ` (${record.stop_reason})` : ''}`,
    );
    if (record) {
      io.out(
        `  ${record.started_at} -> ${record.ended_at ?? '?'}: ${record.tweets} tweets in ${record.files.length} files, ${record.bytes} bytes`,
      );
      io.out(
        `  requests: ${
          Object.entries(record.requests)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }; rate-limit waits ${record.rate_limit_waits.count}; reconnects ${record.reconnects}; errors ${record.errors.length}`,
      );
      if (record.billable) io.out(`  ${boughtLine(record.billable, settings.prices)}`);
      if (record.unmatched)
        io.out(
          `  ${record.unmatched.messages} stream messages matched none of its rules; kept apart in ${record.unmatched.files.length} unmatched-*.jsonl.gz files`,
        );
      for (const gap of record.gaps ?? []) io.out(`  gap ${gap.start} -> ${gap.end}: ${gap.cause}${repairText(gap.repair)}`);
    }
    const { total_tweets: total, distinct_tweets: distinct } = last.value;
    if (total !== undefined)
      io.out(
        `  the collection: ${total} tweets stored by all its harvests, ${
          distinct !== undefined
            ? `${distinct} distinct posts (${duplicateCount(total, distinct)} stored more than once)`
            : 'distinct posts not counted yet'
        }`,
      );
    for (const change of changes)
      io.out(
        `  user ${change.user_id}: ${change.kind}${change.screen_name !== undefined ? ` @${change.screen_name}` : ''} (${change.action})`,
      );
    return 0;
  },
};

type GapRepair = NonNullable<NonNullable<ArchiveObjects['harvest']['gaps']>[number]['repair']>;

/** What a gap's repair did, for its line in `last`: whether the data has a hole, and what filling it cost. */
function repairText(repair: GapRepair | undefined): string {
  if (!repair) return '; no repair recorded (repair_gaps is off for it)';
  const found =
    repair.posts !== undefined ? `: ${repair.posts} posts found, ${repair.read ?? 0} read, $${(repair.usd ?? 0).toFixed(2)}` : '';
  const outcome = repair.outcome.replace('_', ' ');
  return `; ${outcome}${found}${repair.reason !== undefined ? ` (${repair.reason})` : ''}`;
}
