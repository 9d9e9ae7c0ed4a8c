import { createInterface } from 'node:readline/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../../platform/errors.js';
import { acquireApplyLock } from '../../platform/archive/apply-lock.js';
import { applyPlan } from '../../reconciler/apply/apply.js';
import { reconcile } from '../../reconciler/reconcile.js';
import type { CommandSpec } from '../command.js';
import { planText, refusalLine } from '../reporters/plan-report.js';
import { assertCurrent, readSavedPlan } from './saved-plan.js';
import { reconcileSettings, TARGET_OPTION, targetHelp } from './reconcile-options.js';

/** An apply that crashed leaves its lock; after this long another apply may take it. */
const APPLY_LOCK_TTL_MS = 30 * 60_000;

export const applyCommand: CommandSpec = {
  usage: 'twarc-cloud apply [plan.json] [--yes] [--target local|aws]',
  help: [
    'Reads the live state again and applies. With a plan saved by `plan --out`, refuses when',
    'collections/ or the live system changed since. Asks for confirmation unless --yes or CI is set.',
    'Nothing harvested is ever deleted.',
    '',
    'Options:',
    targetHelp(),
    '  --yes                 apply without asking',
    '',
  ].join('\n'),
  options: { ...TARGET_OPTION, yes: { type: 'boolean' } },
  async run(args, io) {
    const [planFile, ...extra] = args.positionals;
    if (extra.length > 0) throw new UserError('expected at most one saved plan', `usage: ${this.usage}`);
    const { settings, targetName, allowMassStop } = reconcileSettings(args, io);
    const report = (line: string): void => {
      io.out(line);
    };
    // Apply looks at the resources themselves, so that it never creates what exists already.
    const result = await reconcile(settings, { targetName, allowMassStop, refresh: true, env: io.env, report });
    if (planFile !== undefined) assertCurrent(await readSavedPlan(resolve(io.cwd, planFile)), result, targetName);
    const where = `target ${targetName} (archive ${result.target.store.location})`;
    io.out(planText(result.plan, where, io.stdoutIsTty && io.env['NO_COLOR'] === undefined));
    const refusal = refusalLine(result.plan);
    if (refusal) throw new UserError('apply refused by the mass-stop guard', 'see the plan above');
    if (result.plan.actions.length === 0) return 0;
    if (args.values['yes'] !== true && !runsInCi(io.env) && !(await confirmed(io.stdoutIsTty))) {
      io.err('Apply cancelled; nothing was changed.');
      return 1;
    }
    const who = result.provenance;
    const lock = await acquireApplyLock(result.target.store, `${who.actor} pid ${process.pid} on ${hostname()}`, APPLY_LOCK_TTL_MS);
    try {
      await applyPlan(result.plan, result.index, { target: result.target, provenance: who, report });
    } finally {
      await lock.release();
    }
    io.out(`Apply complete: ${result.plan.actions.length} collection${result.plan.actions.length === 1 ? '' : 's'} changed.`);
    return 0;
  },
};

async function confirmed(interactive: boolean): Promise<boolean> {
  if (!interactive || !process.stdin.isTTY)
    throw new UserError('apply needs confirmation and there is no terminal to ask on', 'pass --yes (CI sets CI=true, which counts as yes)');
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await prompt.question('Apply these changes? Only "yes" applies: ')).trim() === 'yes';
  } finally {
    prompt.close();
  }
}

/** CI services set CI=true; an empty or "false" value is not CI. */
function runsInCi(env: NodeJS.ProcessEnv): boolean {
  const value = env['CI'];
  return value !== undefined && value !== '' && value.toLowerCase() !== 'false';
}
