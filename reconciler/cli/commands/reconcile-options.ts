import { findProjectRoot, loadSettings, type Settings } from '../../settings/settings.js';
import { UserError } from '../../../platform/errors.js';
import { choiceOption, type ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';

export const TARGET_OPTION = { target: { type: 'string' as const }, 'allow-mass-stop': { type: 'boolean' as const } };

export function targetHelp(): string {
  return [
    '  --target <local|aws>  where collections run (default: target in twarc-cloud.yaml)',
    '  --allow-mass-stop     accept a plan that stops more collections than guard.max_stops',
  ].join('\n');
}

export function reconcileSettings(args: ParsedArgs, io: CliIo): { settings: Settings; targetName: 'local' | 'aws'; allowMassStop: boolean } {
  const { settings, problems } = loadSettings(findProjectRoot(io.cwd), io.cwd);
  const error = problems.find((p) => p.severity === 'error');
  if (error) throw new UserError(`twarc-cloud.yaml is invalid: ${error.message}`, 'run twarc-cloud validate for details');
  return { settings, targetName: choiceOption(args, 'target', ['local', 'aws'] as const, settings.target), allowMassStop: args.values['allow-mass-stop'] === true };
}
