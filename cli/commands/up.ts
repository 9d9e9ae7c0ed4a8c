import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { watch, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../../platform/errors.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { childHarvestSpawn, complianceProcessArgs, harvestGroupProcessArgs, harvestProcessArgs } from '../../platform/harvester-launch.js';
import { applyLocked } from '../../reconciler/apply-locked.js';
import { hasChanges, isRefused } from '../../reconciler/plan/model.js';
import { prepare } from '../../reconciler/reconcile.js';
import { SETTINGS_FILE, type Settings } from '../../reconciler/settings/settings.js';
import { LocalRunner } from '../../reconciler/up/local-runner.js';
import type { CommandSpec } from '../command.js';
import type { CliIo } from '../io.js';
import { planText } from '../reporters/plan-report.js';
import { NAME_RULES, openTarget, reconcileSettings } from './reconcile-options.js';
import { LOG_FORMAT_HELP, LOG_FORMAT_OPTION, showsProgress } from './log-format-option.js';
import { followHarvests, type FollowedHarvests } from '../progress/follow-harvests.js';

export const upCommand: CommandSpec = {
  talksToX: true,
  usage: 'twarc-cloud up',
  help: [
    'The embedded default target. Applies collections/ to local.archive, fires schedules (harvests and',
    'compliance checks), keeps one stream',
    'per credentials profile running for its filter collections (restarting a crashed one with backoff),',
    're-applies when a collection file changes,',
    'and on Ctrl-C stops every harvest gracefully. `plan`/`apply --target local` elsewhere see the same state.',
    '',
    'On a terminal, each running harvest is one line of progress (posts, requests, rate-limit waits, a',
    "stream's connection and posts/min); else, or with --log-format json, the harvests' JSON log lines.",
    '',
    'Options:',
    '  --allow-mass-stop     apply edits that stop more collections than guard.max_stops',
    LOG_FORMAT_HELP,
    '',
  ].join('\n'),
  examples: [['Run the collections on this machine until Ctrl-C', 'twarc-cloud up']],
  options: { 'allow-mass-stop': { type: 'boolean' }, ...LOG_FORMAT_OPTION },
  async run(args, io) {
    const { settings, allowMassStop } = reconcileSettings(args, io);
    if (settings.target !== 'local')
      throw new UserError(
        'up runs the local target, and twarc-cloud.yaml says target: aws',
        'use plan and apply for AWS, or set target: local',
      );
    const store = new LocalArchiveStore(settings.local.archive);
    const progress = showsProgress(args, io) ? followHarvests(store, [], { dropEnded: true }) : undefined;
    const say = (line: string): void => {
      const stamped = `${new Date().toISOString().slice(11, 19)} ${line}`;
      if (progress) progress.print(stamped);
      else io.out(stamped);
    };
    const syncMs = Number(io.env['TWARC_CLOUD_UP_SYNC_MS'] ?? 5000);
    const runner = localRunner(settings, store, io, say, progress);
    // Whatever goes wrong that is not the user's to fix ends `up`, after every harvest has stopped gracefully.
    let crashed: (error: unknown) => void = () => undefined;
    const failure = new Promise<unknown>((resolve) => {
      crashed = resolve;
    });
    let applying = Promise.resolve();
    const applyNow = (): void => {
      applying = applying
        .then(async () => {
          await applyOnce(settings, allowMassStop, io, say, (text) => {
            if (progress) progress.print(text);
            else io.out(text);
          });
          await runner.sync();
          runner.tick();
        })
        .catch(crashed);
    };
    applyNow();
    await applying;
    say(`up: archive ${settings.local.archive}; watching ${settings.collectionsDir} (Ctrl-C stops every harvest gracefully)`);
    const watchers = watchProject(settings.root, settings.collectionsDir, applyNow);
    const sync = setInterval(() => {
      runner.sync().then(
        () => {
          runner.tick();
        },
        (error: unknown) => {
          if (error instanceof UserError) say(`reading the archive failed: ${error.message}`);
          else crashed(error);
        },
      );
    }, syncMs);
    const tick = setInterval(() => {
      runner.tick();
    }, 1000);
    const ended = await Promise.race([
      new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      }),
      failure,
    ]);
    say(typeof ended === 'string' ? `${ended}: stopping every harvest gracefully` : 'up failed; stopping every harvest gracefully');
    clearInterval(sync);
    clearInterval(tick);
    for (const watcher of watchers) watcher.close();
    await applying;
    await runner.stopAll();
    say('up: stopped');
    await progress?.done();
    if (typeof ended !== 'string') throw ended;
    return 0;
  },
};

/**
 * The local runtime: harvests, stream groups and compliance checks as child processes of `up`. With
 * progress shown, their log lines feed it instead of reaching the terminal.
 */
function localRunner(
  settings: Settings,
  store: LocalArchiveStore,
  io: CliIo,
  say: (line: string) => void,
  progress: FollowedHarvests | undefined,
): LocalRunner {
  const started = (child: ChildProcess): ChildProcess => {
    if (progress && child.stderr)
      createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
        progress.logLine(line);
      });
    return child;
  };
  const spawnOptions = childHarvestSpawn(io.env, 'ignore', progress ? 'pipe' : 'inherit');
  return new LocalRunner({
    store,
    startHarvest: (id) => started(spawn(process.execPath, harvestProcessArgs(id, settings.local.archive), spawnOptions)),
    startGroup: (profile) =>
      // Backfill is X's to give to Enterprise access only; asked for elsewhere, X would refuse the reconnect.
      started(spawn(process.execPath, harvestGroupProcessArgs(profile, settings.local.archive, backfill(settings)), spawnOptions)),
    startCompliance: (id) =>
      started(
        spawn(process.execPath, complianceProcessArgs(id, settings.local.archive), {
          env: io.env,
          stdio: ['ignore', 'ignore', progress ? 'pipe' : 'inherit'],
        }),
      ),
    log: say,
    restartBaseMs: 1000 * Number(io.env['TWARC_CLOUD_BACKOFF_SCALE'] ?? 1),
  });
}

/**
 * One apply of collections/ with the settings twarc-cloud.yaml has now. A change of the archive or
 * the target needs a new `up` (the running harvests belong to the old archive); a user's mistake
 * is said and waited out; anything else ends `up`.
 */
async function applyOnce(
  started: Settings,
  allowMassStop: boolean,
  io: CliIo,
  say: (line: string) => void,
  /** Where the plan is shown: above the progress, when there is one. */
  show: (text: string) => void,
): Promise<void> {
  try {
    const { settings } = reconcileSettings({ values: {}, positionals: [] }, io);
    if (settings.target !== 'local' || settings.local.archive !== started.local.archive) {
      say(
        `not applied: twarc-cloud.yaml now names ${settings.target === 'local' ? `the archive ${settings.local.archive}` : `target ${settings.target}`}; stop up (Ctrl-C) and start it again to follow it`,
      );
      return;
    }
    const prepared = await prepare(settings, {
      target: openTarget(settings, settings.target, say),
      nameRules: NAME_RULES,
      allowMassStop,
      env: io.env,
    });
    await applyLocked(prepared, {
      allowMassStop,
      holder: `${prepared.provenance.actor} (up, pid ${process.pid} on ${hostname()})`,
      report: say,
      review: (result) => {
        if (!hasChanges(result.plan)) return Promise.resolve(false);
        show(
          planText(
            result.plan,
            `target local (archive ${settings.local.archive})`,
            io.stdoutIsTty && io.env['NO_COLOR'] === undefined,
          ).trimEnd(),
        );
        return Promise.resolve(!isRefused(result.plan));
      },
    });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    for (const line of error.details) say(line);
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

/** The stream groups' backfill on reconnecting: X's 5 minutes where the access level has it. */
function backfill(settings: Settings): string[] {
  return settings.limits.backfillMinutes > 0 ? ['--backfill-minutes', String(settings.limits.backfillMinutes)] : [];
}
