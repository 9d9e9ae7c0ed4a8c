import { spawn } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../platform/errors.js';
import { acquireApplyLock } from '../../platform/archive/apply-lock.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { applyPlan } from '../../reconciler/apply/apply.js';
import { reconcile } from '../../reconciler/reconcile.js';
import { SETTINGS_FILE } from '../../reconciler/settings/settings.js';
import { LocalRunner } from '../../reconciler/up/local-runner.js';
import type { CommandSpec } from '../command.js';
import type { CliIo } from '../io.js';
import { planText } from '../reporters/plan-report.js';
import { reconcileSettings } from './reconcile-options.js';

export const upCommand: CommandSpec = {
  usage: 'twarc-cloud up',
  help: [
    'The embedded default target. Applies collections/ to local.archive, fires schedules, keeps filter',
    'harvests running (restarting a crashed one with backoff), re-applies when a collection file changes,',
    'and on Ctrl-C stops every harvest gracefully. `plan`/`apply --target local` elsewhere see the same state.',
    '',
    'Options:',
    '  --allow-mass-stop     apply edits that stop more collections than guard.max_stops',
    '',
  ].join('\n'),
  options: { 'allow-mass-stop': { type: 'boolean' } },
  async run(args, io) {
    const { settings, allowMassStop } = reconcileSettings(args, io);
    if (settings.target !== 'local')
      throw new UserError(
        'up runs the local target, and twarc-cloud.yaml says target: aws',
        'use plan and apply for AWS, or set target: local',
      );
    const say = (line: string): void => {
      io.out(`${new Date().toISOString().slice(11, 19)} ${line}`);
    };
    const store = new LocalArchiveStore(settings.local.archive);
    const syncMs = Number(io.env['TWARC_CLOUD_UP_SYNC_MS'] ?? 5000);
    const runner = new LocalRunner({
      store,
      startHarvest: (id) =>
        spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'harvest', id, '--archive', settings.local.archive], {
          env: io.env,
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      log: say,
      restartBaseMs: 1000 * Number(io.env['TWARC_CLOUD_BACKOFF_SCALE'] ?? 1),
    });
    let applying = Promise.resolve();
    const applyNow = (): Promise<void> =>
      (applying = applying.then(async () => {
        await applyOnce(settings, allowMassStop, io, say);
        await runner.sync();
        runner.tick();
      }));
    await applyNow();
    say(`up: archive ${settings.local.archive}; watching ${settings.collectionsDir} (Ctrl-C stops every harvest gracefully)`);
    const watchers = watchProject(settings.root, settings.collectionsDir, () => void applyNow());
    const sync = setInterval(() => {
      void runner.sync().then(
        () => {
          runner.tick();
        },
        (error: unknown) => {
          say(`reading the archive failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    }, syncMs);
    const tick = setInterval(() => {
      runner.tick();
    }, 1000);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    say(`${signal}: stopping every harvest gracefully`);
    clearInterval(sync);
    clearInterval(tick);
    for (const watcher of watchers) watcher.close();
    await applying;
    await runner.stopAll();
    say('up: stopped');
    return 0;
  },
};

async function applyOnce(
  settings: Parameters<typeof reconcile>[0],
  allowMassStop: boolean,
  io: CliIo,
  say: (line: string) => void,
): Promise<void> {
  try {
    const result = await reconcile(settings, { targetName: 'local', allowMassStop, env: io.env, report: say });
    if (result.plan.actions.length === 0) return;
    io.out(planText(result.plan, `target local (archive ${settings.local.archive})`, io.stdoutIsTty && io.env['NO_COLOR'] === undefined));
    if (result.plan.refused) return;
    const who = result.provenance;
    const lock = await acquireApplyLock(result.target.store, `${who.actor} (up, pid ${process.pid} on ${hostname()})`, 30 * 60_000);
    try {
      await applyPlan(result.plan, result.index, { target: result.target, provenance: who, report: say });
    } finally {
      await lock.release();
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    say(`not applied: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
  }
}

/** Calls `changed` (debounced) when a collection file or twarc-cloud.yaml changes. */
function watchProject(root: string, collectionsDir: string, changed: () => void): FSWatcher[] {
  let timer: NodeJS.Timeout | undefined;
  const debounced = (): void => {
    clearTimeout(timer);
    timer = setTimeout(changed, 300);
  };
  const watchers = [watch(collectionsDir, debounced)];
  watchers.push(
    watch(root, (_event, name) => {
      if (name === SETTINGS_FILE) debounced();
    }),
  );
  return watchers;
}
