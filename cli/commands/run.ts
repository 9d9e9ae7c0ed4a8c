import { spawn } from 'node:child_process';
import { UserError } from '../../platform/errors.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { harvestProcessArgs } from '../../platform/harvester-launch.js';
import type { Settings } from '../../reconciler/settings/settings.js';
import { openAwsTarget } from '../../reconciler/targets/aws/open-aws-target.js';
import type { CliIo } from '../io.js';
import { oneCollectionId, type CommandSpec } from '../command.js';
import { reconcileSettings, targetStore, TARGET_OPTION, targetHelp } from './reconcile-options.js';
import { API_BASE_URL_HELP, API_BASE_URL_OPTION, apiBaseUrl } from './x-api-options.js';

export const runCommand: CommandSpec = {
  usage: 'twarc-cloud run <id> [--target local|aws]',
  help: [
    'Locally, runs the harvest here: logs go to standard error; Ctrl-C, SIGINT or SIGTERM stops it',
    'gracefully (the signal is passed on, and run waits for the harvest to store what it has); exit codes',
    'as for harvest. On AWS, starts it as an ECS task, as its schedule would, and prints how to follow it.',
    '',
    'Options:',
    API_BASE_URL_HELP,
    targetHelp(),
    '',
  ].join('\n'),
  options: { ...TARGET_OPTION, ...API_BASE_URL_OPTION },
  async run(args, io) {
    const id = oneCollectionId(this, args);
    const { settings, targetName } = reconcileSettings(args, io);
    if (targetName === 'aws') return runOnAws(id, settings, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    // A child process in a process group of its own, so that each signal reaches it once, from here:
    // Ctrl-C, SIGINT or SIGTERM to run are passed on, and run waits for the harvest to finish storing.
    const api = ['--api-base-url', apiBaseUrl(args, io)];
    const child = spawn(process.execPath, harvestProcessArgs(id, store.location, api), {
      env: io.env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    const forward = (signal: NodeJS.Signals): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    try {
      return await new Promise<number>((resolve) =>
        child.on('close', (code) => {
          resolve(code ?? 1);
        }),
      );
    } finally {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    }
  },
};

/** Starts the harvest as an ECS task: the base task definition, the collection's command, the deployment's network. */
async function runOnAws(id: string, settings: Settings, io: CliIo): Promise<number> {
  const target = await openAwsTarget(settings, io.env['USER'] ?? 'operator', (line) => {
    io.out(line);
  });
  const config = await readObject(target.store, collectionKeys(id).config, 'collection-config');
  if (!config)
    throw new UserError(
      `collection ${id} is not in the deployment's archive ${target.store.location}`,
      'apply it first: twarc-cloud apply --target aws',
    );
  if (config.value.state !== 'active')
    throw new UserError(
      `collection ${id} is ${config.value.state}; only active collections are harvested`,
      'set `state: active` in its YAML file and apply',
    );
  const running = await readObject(target.store, collectionKeys(id).lock, 'lock');
  if (running)
    throw new UserError(
      `collection ${id} is being harvested already (harvest ${running.value.harvest_id}, last heartbeat ${running.value.heartbeat_at})`,
      `twarc-cloud status ${id} --target aws shows its progress`,
    );
  const task = await target.runHarvestTask(id);
  io.out(`Started harvest of ${id} as ECS task ${task}`);
  const log = target.logOf(task);
  if (log) io.out(`Follow its log:  aws logs tail ${log.group} --log-stream-names ${log.stream} --follow`);
  io.out(`Its progress:    twarc-cloud status ${id} --target aws`);
  return 0;
}
