import { NAME_RULES } from './reconcile-options.js';
import { targetNamed } from '../../targets/targets.js';
import { validateDesiredState } from '../../reconciler/desired/load-collections.js';
import { countErrors } from '../../reconciler/problems.js';
import { findProjectRoot, loadSettings } from '../../reconciler/settings/settings.js';
import { choiceOption, ValidationFailed, type CommandSpec } from '../command.js';
import { REPORT_FORMATS, writeValidationReport } from '../reporters/validation-report.js';

export const validateCommand: CommandSpec = {
  usage: 'twarc-cloud validate [paths...] [--format text|json|github]',
  help: [
    'Without paths, checks twarc-cloud.yaml and every .yaml/.yml file under collections/.',
    'With paths (files or directories), checks those collection files against each other only.',
    'Warns about a credentials profile of an active collection that the local target finds nowhere.',
    'Exit code: 0 when valid (warnings included), 1 when any error was found.',
    '',
    'Options:',
    '  --format <f>      text (default), json, or github (workflow annotations and a job summary)',
    '',
  ].join('\n'),
  examples: [
    ['Check twarc-cloud.yaml and every collection file', 'twarc-cloud validate'],
    ['Check one file, as an editor or a pre-commit hook would', 'twarc-cloud validate collections/floods.yaml'],
  ],
  options: { format: { type: 'string' } },
  async run(args, io) {
    const format = choiceOption(args, 'format', REPORT_FORMATS, 'text');
    const { settings, problems: settingsProblems } = loadSettings(findProjectRoot(io.cwd), io.cwd);
    // Offline, as validate is: the sources on this machine, where the local target's harvests look.
    // On AWS the profiles live in SSM, which plan asks.
    const profiles =
      settings.target === 'local'
        ? (names: readonly string[]) => targetNamed('local').credentialProfiles(settings, io.env, names)
        : undefined;
    const desired = await validateDesiredState(settings, NAME_RULES, args.positionals, io.cwd, profiles);
    const problems = [...settingsProblems, ...desired.problems];
    await writeValidationReport({ files: desired.files, problems }, format, io);
    const errors = countErrors(problems);
    if (errors > 0) throw new ValidationFailed(errors);
    return 0;
  },
};
