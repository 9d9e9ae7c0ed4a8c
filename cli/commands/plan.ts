import { resolve } from 'node:path';
import { openOutput, writeOutputFile } from '../../platform/output-file.js';
import { choiceOption, type CommandSpec } from '../command.js';
import { hasChanges, isRefused } from '../../reconciler/plan/model.js';
import { reconcile } from '../../reconciler/reconcile.js';
import { estimateCost } from '../../reconciler/estimate/estimate-cost.js';
import { GITHUB_COMMENT_LIMIT, planMarkdown, planText } from '../reporters/plan-report.js';
import { savedPlan } from './saved-plan.js';
import { profileFindings, profileLines } from '../reporters/profile-report.js';
import { FORCE_OPTION, outputOptions } from './output-option.js';
import { NAME_RULES, openTarget, PLAN_HELP, PLAN_OPTIONS, reconcileSettings, TARGET_USAGE, targetHelp } from './reconcile-options.js';

/** Exit code of a plan with changes, as `terraform plan -detailed-exitcode` has it. */
export const EXIT_CHANGES = 2;

export const planCommand: CommandSpec = {
  talksToX: true,
  usage: `twarc-cloud plan ${TARGET_USAGE} [--refresh] [--no-initial-run] [--no-estimate] [--out plan.json [--force]] [--format text|markdown|json]`,
  help: [
    'Exit 0 when nothing would change, 2 when something would, 1 on an error. A credentials profile',
    "of an active collection that the target's harvests would not find is reported, never an error.",
    '',
    'Options:',
    targetHelp(),
    PLAN_HELP,
    "  --refresh             list the target's resources (AWS: rules and services) instead of trusting",
    '                        what apply recorded: shows drift and resources to adopt; apply always does',
    "  --no-estimate         leave out the cost estimate (dollars, from X's counts and the accounts'",
    '                        post counts) that a plan adding or changing a collection shows',
    '  --out <file>          also save the plan, for `twarc-cloud apply <file>`',
    '  --force               with --out: replace a file already there',
    '  --format <f>          text (default), markdown (a pull-request comment) or json',
    '',
  ].join('\n'),
  examples: [
    ['What apply would change, and what it would cost', 'twarc-cloud plan'],
    ['Save the plan, to apply exactly it later', 'twarc-cloud plan --out plan.json'],
  ],
  options: {
    ...PLAN_OPTIONS,
    out: { type: 'string' },
    ...FORCE_OPTION,
    format: { type: 'string' },
    refresh: { type: 'boolean' },
    'no-estimate': { type: 'boolean' },
  },
  async run(args, io) {
    const format = choiceOption(args, 'format', ['text', 'markdown', 'json'] as const, 'text');
    const out = args.values['out'];
    const output = typeof out === 'string' ? resolve(io.cwd, out) : undefined;
    const replace = outputOptions(args);
    // Checked before anything is read, so that a bad path costs nothing.
    if (output) await openOutput(output, replace);
    const { settings, targetName, allowMassStop, initialRun } = reconcileSettings(args, io);
    const result = await reconcile(settings, {
      target: openTarget(settings, targetName, (line) => {
        io.err(line);
      }),
      nameRules: NAME_RULES,
      allowMassStop,
      initialRun,
      refresh: args.values['refresh'] === true,
      env: io.env,
    });
    const where = `target ${targetName} (archive ${result.target.store.location})`;
    const cost =
      args.values['no-estimate'] === true
        ? undefined
        : await estimateCost(result.desired, result.plan, settings, result.target.store, io.env);
    const credentials = await profileFindings(settings, targetName, result.desired, io.env);
    const notes = profileLines(credentials);
    if (format === 'json') io.out(`${JSON.stringify({ ...result.plan, ...(cost ? { cost } : {}), credentials }, null, 2)}\n`);
    else if (format === 'markdown') io.out(planMarkdown(result.plan, where, GITHUB_COMMENT_LIMIT, cost, notes));
    else io.out(planText(result.plan, where, io.stdoutIsTty && io.env['NO_COLOR'] === undefined, cost, notes));
    if (output) await writeOutputFile(output, `${JSON.stringify(savedPlan(result, targetName, initialRun), null, 2)}\n`, replace);
    if (isRefused(result.plan)) return 1;
    return hasChanges(result.plan) ? EXIT_CHANGES : 0;
  },
};
