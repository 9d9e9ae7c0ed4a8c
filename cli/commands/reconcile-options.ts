import { findProjectRoot, loadSettings, type Settings } from '../../reconciler/settings/settings.js';
import { openArchiveStore } from '../../platform/archive/open-store.js';
import { UserError } from '../../platform/errors.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { ReconcileOptions } from '../../reconciler/reconcile.js';
import { EVERY_TARGETS_NAME_RULES, TARGET_NAMES, targetNamed } from '../../targets/targets.js';
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

/** `--target` in a command's usage line, naming every target. */
export const TARGET_USAGE = `[--target ${TARGET_NAMES.join('|')}]`;

export function targetHelp(): string {
  return `  --target <${TARGET_NAMES.join('|')}>  where collections run (default: target in twarc-cloud.yaml)`;
}

/** The naming rules validation applies: every target's. */
export const NAME_RULES = EVERY_TARGETS_NAME_RULES;

/** The target a reconcile plans against, opened once the actor is known. */
export function openTarget(settings: Settings, targetName: string, report: (line: string) => void): ReconcileOptions['target'] {
  return (actor) => targetNamed(targetName).open(settings, { actor, report });
}

export function reconcileSettings(
  args: ParsedArgs,
  io: CliIo,
): { settings: Settings; targetName: string; allowMassStop: boolean; initialRun: boolean } {
  const { settings, problems } = loadSettings(findProjectRoot(io.cwd), io.cwd);
  const error = problems.find((p) => p.severity === 'error');
  if (error) throw new UserError(`twarc-cloud.yaml is invalid: ${error.message}`, 'run twarc-cloud validate for details');
  return {
    settings,
    targetName: choiceOption(args, 'target', TARGET_NAMES, settings.target),
    allowMassStop: args.values['allow-mass-stop'] === true,
    initialRun: args.values['no-initial-run'] !== true,
  };
}

/** The archive of a target: the local directory, or the deployment's bucket. */
export function targetStore(settings: Settings, targetName: string, options: { readonly mustExist?: boolean } = {}): Promise<ArchiveStore> {
  return targetNamed(targetName).archive(settings, options);
}

/** The archive of the project's configured target, for commands run without one named. */
export function projectArchive(io: CliIo): string {
  const { settings } = loadSettings(findProjectRoot(io.cwd), io.cwd);
  try {
    return targetNamed(settings.target).archiveLocation(settings);
  } catch (error) {
    if (error instanceof UserError) return settings.local.archive;
    throw error;
  }
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
