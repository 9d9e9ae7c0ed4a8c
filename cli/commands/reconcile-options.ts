import { findProjectRoot, loadSettings, type Settings } from '../../reconciler/settings/settings.js';
import { existsSync } from 'node:fs';
import { UserError } from '../../platform/errors.js';
import { openArchiveStore } from '../../platform/archive/open-store.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { choiceOption, type ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';
import { givenArchive, type ArchiveChoice } from './archive-option.js';

export const TARGET_OPTION = { target: { type: 'string' as const } };

/** The options of commands that plan: plan, apply, up. Only they offer what only a plan means. */
export const PLAN_OPTIONS = {
  ...TARGET_OPTION,
  'allow-mass-stop': { type: 'boolean' as const },
  'no-initial-run': { type: 'boolean' as const },
};

/** The help lines of PLAN_OPTIONS beyond --target. */
export const PLAN_HELP = [
  '  --allow-mass-stop     accept a plan that stops more collections than guard.max_stops',
  '  --no-initial-run      a new schedule waits for its first time (AWS; default: its first harvest starts at once)',
].join('\n');

export function targetHelp(): string {
  return '  --target <local|aws>  where collections run (default: target in twarc-cloud.yaml)';
}

export function reconcileSettings(
  args: ParsedArgs,
  io: CliIo,
): { settings: Settings; targetName: 'local' | 'aws'; allowMassStop: boolean; initialRun: boolean } {
  const { settings, problems } = loadSettings(findProjectRoot(io.cwd), io.cwd);
  const error = problems.find((p) => p.severity === 'error');
  if (error) throw new UserError(`twarc-cloud.yaml is invalid: ${error.message}`, 'run twarc-cloud validate for details');
  return {
    settings,
    targetName: choiceOption(args, 'target', ['local', 'aws'] as const, settings.target),
    allowMassStop: args.values['allow-mass-stop'] === true,
    initialRun: args.values['no-initial-run'] !== true,
  };
}

/** The archive of a target: the local directory, or the deployment's bucket. */
export async function targetStore(
  settings: Settings,
  targetName: 'local' | 'aws',
  options: { readonly mustExist?: boolean } = {},
): Promise<ArchiveStore> {
  if (targetName === 'local') {
    if (options.mustExist === true && !existsSync(settings.local.archive)) {
      throw new UserError(
        `there is no archive at ${settings.local.archive} yet`,
        'it appears with the first `twarc-cloud apply` (or `up`); for an AWS deployment, pass --target aws',
      );
    }
    return openArchiveStore(settings.local.archive);
  }
  if (!settings.aws)
    throw new UserError('target aws needs aws.bucket and aws.region in twarc-cloud.yaml', 'add them, or use --target local');
  return openArchiveStore(`s3://${settings.aws.bucket}`, { region: settings.aws.region });
}

/** The archive of the project's configured target, for commands run without one named. */
export function projectArchive(io: CliIo): string {
  const { settings } = loadSettings(findProjectRoot(io.cwd), io.cwd);
  return settings.target === 'aws' && settings.aws ? `s3://${settings.aws.bucket}` : settings.local.archive;
}

/**
 * The archive of a command run by hand or by `up`: --archive (or TWARC_CLOUD_ARCHIVE) when given,
 * as for harvest; otherwise the target's.
 */
export const TARGET_OR_ARCHIVE: ArchiveChoice = {
  options: { ...TARGET_OPTION, archive: { type: 'string' } },
  help: [targetHelp(), "  --archive <location>  a directory or s3://bucket[/prefix] instead of the target's (or TWARC_CLOUD_ARCHIVE)"],
  async open(args, io) {
    const given = givenArchive(args, io);
    if (given !== undefined) return openArchiveStore(given);
    const { settings, targetName } = reconcileSettings(args, io);
    return targetStore(settings, targetName, { mustExist: true });
  },
};
