import { UserError } from '../../platform/errors.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { listAll } from '../../platform/archive/store.js';
import { choiceOption, oneCollectionId, type CommandSpec } from '../command.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

export const changesCommand: CommandSpec = {
  usage: `twarc-cloud changes <id> [--deletes-only] ${TARGET_USAGE} [--format text|json]`,
  help: [
    'Options:',
    '  --deletes-only        only removals: of the collection, and of fields or accounts',
    targetHelp(),
    '  --format <f>          text (default) or json',
    '',
  ].join('\n'),
  examples: [["What was ever removed from a collection's configuration", 'twarc-cloud changes floods --deletes-only']],
  options: { ...TARGET_OPTION, 'deletes-only': { type: 'boolean' }, format: { type: 'string' } },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text');
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    const changesets: Array<ArchiveObjects['changeset']> = [];
    for await (const object of listAll(store, collectionKeys(id).changesetsPrefix)) {
      const changeset = await readObject(store, object.key, 'changeset');
      if (changeset) changesets.push(changeset.value);
    }
    if (changesets.length === 0)
      throw new UserError(
        `no changesets for collection ${id} in ${store.location}`,
        'check the id (twarc-cloud list shows them); a collection has changesets once applied',
      );
    const shown = changesets
      .map((c) =>
        args.values['deletes-only'] === true
          ? { ...c, changes: c.action === 'remove' ? c.changes : c.changes.filter((ch) => ch.new === undefined) }
          : c,
      )
      .filter((c) => args.values['deletes-only'] !== true || c.action === 'remove' || c.changes.length > 0);
    if (format === 'json') {
      io.out(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    }
    if (shown.length === 0)
      io.out(
        `No removals recorded for ${id}: none of its ${changesets.length} changeset${changesets.length === 1 ? '' : 's'} removes the collection, a field or an account.`,
      );
    for (const c of shown) {
      io.out(`${c.created_at}  ${c.action}  by ${c.actor}${source(c.git)}`);
      for (const change of c.changes) io.out(`    ${change.path}: ${show(change.old)} -> ${show(change.new)}`);
    }
    return 0;
  },
};

/** Which commit a change came from, and its author; an edit not committed yet is said to be one. */
function source(git: ArchiveObjects['changeset']['git']): string {
  if (git?.commit === undefined) return '';
  const commit = git.commit.slice(0, 12);
  if (git.uncommitted === true) return `  uncommitted edit (on top of commit ${commit})`;
  return `  commit ${commit}${git.author !== undefined ? `  (${git.author})` : ''}`;
}

function show(value: unknown): string {
  return value === undefined ? '-' : JSON.stringify(value);
}
