import { createInterface } from 'node:readline/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../../platform/errors.js';
import { applyLocked } from '../../reconciler/apply-locked.js';
import { hasChanges, isRefused } from '../../reconciler/plan/model.js';
import { estimateCost } from '../../reconciler/estimate/estimate-cost.js';
import { prepare } from '../../reconciler/reconcile.js';
import type { CommandSpec } from '../command.js';
import { planText } from '../reporters/plan-report.js';
import { assertCurrent, readSavedPlan } from './saved-plan.js';
import { NAME_RULES, openTarget, PLAN_HELP, PLAN_OPTIONS, reconcileSettings, TARGET_USAGE, targetHelp } from './reconcile-options.js';

export const applyCommand: CommandSpec = {
  talksToX: true,
  usage: `twarc-cloud apply [plan.json] [--yes] ${TARGET_USAGE} [--no-initial-run] [--allow-over-budget]`,
  help: [
    'Takes the apply lock, reads the live state again and applies. With a plan saved by `plan --out`,',
    'refuses when collections/ or the live system changed since. Asks for confirmation unless --yes or',
    'CI is set. Ctrl-C stops between two collections, keeping what is done. Nothing harvested is ever deleted.',
    '',
    'Options:',
    targetHelp(),
    PLAN_HELP,
    '  --yes                 apply without asking',
    '  --allow-over-budget   apply a plan whose cost estimate passes x_api.monthly_budget_usd',
    '',
  ].join('\n'),
  examples: [
    ['Show the plan, ask, then apply it', 'twarc-cloud apply'],
    ['Apply a saved plan, without asking', 'twarc-cloud apply plan.json --yes'],
  ],
  options: { ...PLAN_OPTIONS, yes: { type: 'boolean' }, 'allow-over-budget': { type: 'boolean' } },
  async run(args, io) {
    const [planFile, ...extra] = args.positionals;
    if (extra.length > 0) throw new UserError('expected at most one saved plan', `usage: ${this.usage}`);
    const saved = planFile !== undefined ? await readSavedPlan(resolve(io.cwd, planFile)) : undefined;
    const { settings, targetName, allowMassStop, initialRun } = reconcileSettings(args, io);
    const report = (line: string): void => {
      io.out(line);
    };
    const prepared = await prepare(settings, {
      target: openTarget(settings, targetName, report),
      nameRules: NAME_RULES,
      allowMassStop,
      env: io.env,
    });
    const interrupt = new AbortController();
    const onSignal = (signal: NodeJS.Signals): void => {
      io.err(`${signal}: stopping after the collection in progress; the apply lock is released`);
      interrupt.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const answer = { cancelled: false };
    try {
      const { result, applied } = await applyLocked(prepared, {
        allowMassStop,
        // A saved plan is applied as it was made: with or without first harvests.
        initialRun: initialRun && saved?.initial_run !== false,
        holder: `${prepared.provenance.actor} pid ${process.pid} on ${hostname()}`,
        report,
        signal: interrupt.signal,
        review: async (fresh) => {
          if (saved) assertCurrent(saved, fresh, targetName);
          const cost = await estimateCost(fresh.desired, fresh.plan, settings, fresh.target.store, io.env);
          io.out(
            planText(
              fresh.plan,
              `target ${targetName} (archive ${fresh.target.store.location})`,
              io.stdoutIsTty && io.env['NO_COLOR'] === undefined,
              cost,
            ),
          );
          if (isRefused(fresh.plan)) throw new UserError('apply refused', 'see the plan above');
          if (cost?.overBudget === true && args.values['allow-over-budget'] !== true)
            throw new UserError(
              'apply refused: the cost estimate is over x_api.monthly_budget_usd',
              'see the estimate above; narrow the collections, raise the budget in twarc-cloud.yaml, or pass --allow-over-budget to apply it anyway',
            );
          if (!hasChanges(fresh.plan)) return false;
          if (args.values['yes'] === true || runsInCi(io.env)) return true;
          if (await confirmed(io.stdoutIsTty, interrupt.signal)) return true;
          io.err('Apply cancelled; nothing was changed.');
          answer.cancelled = true;
          return false;
        },
      });
      if (applied)
        io.out(`Apply complete: ${result.plan.actions.length} collection${result.plan.actions.length === 1 ? '' : 's'} changed.`);
      return answer.cancelled ? 1 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};

async function confirmed(interactive: boolean, signal: AbortSignal): Promise<boolean> {
  if (!interactive || !process.stdin.isTTY)
    throw new UserError('apply needs confirmation and there is no terminal to ask on', 'pass --yes (CI sets CI=true, which counts as yes)');
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const cancel = new AbortController();
  prompt.on('SIGINT', () => {
    cancel.abort();
  });
  signal.addEventListener('abort', () => {
    cancel.abort();
  });
  try {
    return (await prompt.question('Apply these changes? Only "yes" applies: ', { signal: cancel.signal })).trim() === 'yes';
  } catch {
    return false;
  } finally {
    prompt.close();
  }
}

/** CI services set CI=true; an empty or "false" value is not CI. */
function runsInCi(env: NodeJS.ProcessEnv): boolean {
  const value = env['CI'];
  return value !== undefined && value !== '' && value.toLowerCase() !== 'false';
}
