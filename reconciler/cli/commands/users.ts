import { UserError } from '../../../platform/errors.js';
import { openArchiveStore } from '../../../platform/archive/open-store.js';
import { relativeToCwd } from '../../problems.js';
import { syncUserChanges } from '../../users/sync-user-changes.js';
import type { Command } from '../command.js';
import { reconcileSettings, TARGET_OPTION, targetHelp } from './reconcile-options.js';

export const usersCommand: Command = {
  name: 'users',
  summary: 'Bring timeline collection files up to date with what harvests found (renamed, removed accounts).',
  usage: 'twarc-cloud users sync [--target local|aws]',
  help: [
    '  sync   apply each timeline collection\'s newest user_changes.json to its YAML file: new',
    '         screen names, and accounts removed where delete_users_for names their condition.',
    '         Comments and formatting stay. The scheduled user-changes workflow opens a pull request.',
    '',
    'Options:',
    targetHelp(),
    '',
  ].join('\n'),
  options: { ...TARGET_OPTION },
  async run(args, io) {
    const [action, ...extra] = args.positionals;
    if (action !== 'sync' || extra.length > 0) throw new UserError('expected: users sync', `usage: ${this.usage}`);
    const { settings, targetName } = reconcileSettings(args, io);
    if (targetName === 'aws' && !settings.aws) throw new UserError('target aws needs aws.bucket and aws.region in twarc-cloud.yaml');
    const store = await openArchiveStore(targetName === 'aws' && settings.aws ? `s3://${settings.aws.bucket}` : settings.local.archive, settings.aws ? { region: settings.aws.region } : {});
    const changed = await syncUserChanges(store, settings.collectionsDir);
    for (const file of changed) {
      io.out(`${relativeToCwd(file.file, io.cwd)}:`);
      for (const edit of file.edits) io.out(`  ${edit.kind} ${edit.userId}: ${edit.detail}`);
    }
    io.out(changed.length === 0 ? 'No user changes to apply.' : `${changed.length} collection file${changed.length === 1 ? '' : 's'} updated.`);
    return 0;
  },
};
