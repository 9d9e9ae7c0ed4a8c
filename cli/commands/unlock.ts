import { UserError } from '../../platform/errors.js';
import { APPLY_LOCK_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import { isDeadLocalProcess } from '../../platform/local-process.js';
import { oneCollectionId, type CommandSpec, type ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';
import { HARVEST_DEFAULTS } from '../../harvester/harvest-context.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

export const unlockCommand: CommandSpec = {
  usage: `twarc-cloud unlock <id> [--force] ${TARGET_USAGE} | unlock --apply [--force]`,
  help: [
    "Releases a collection's harvest lock, or with --apply the deployment's apply lock, when its holder",
    'is gone: a process on this machine that no longer runs, or a heartbeat (apply: expiry) that has passed.',
    '',
    'Options:',
    "  --apply               the apply lock (locks/apply.json) instead of a collection's",
    '  --force               release it even though its holder looks alive',
    targetHelp(),
    '',
  ].join('\n'),
  options: { ...TARGET_OPTION, force: { type: 'boolean' }, apply: { type: 'boolean' } },
  async run(args, io) {
    if (args.values['apply'] === true) {
      if (args.positionals.length > 0) throw new UserError('unlock --apply takes no collection id', `usage: ${this.usage}`);
      return unlockApply(args, io);
    }
    const id = oneCollectionId(this, args);
    const { settings, targetName } = reconcileSettings(args, io);
    const store = await targetStore(settings, targetName, { mustExist: true });
    const lock = await readObject(store, collectionKeys(id).lock, 'lock');
    if (!lock) {
      io.out(`${id} is not locked.`);
      return 0;
    }
    const holder = `harvest ${lock.value.harvest_id} on ${lock.value.holder.host} (pid ${lock.value.holder.pid}${lock.value.holder.task !== undefined ? `, task ${lock.value.holder.task}` : ''})`;
    const age = Date.now() - Date.parse(lock.value.heartbeat_at);
    if (age < HARVEST_DEFAULTS.staleAfterMs && !isDeadLocalProcess(lock.value.holder) && args.values['force'] !== true) {
      throw new UserError(
        `${id} is locked by ${holder}, whose last heartbeat was ${Math.round(age / 1000)} s ago: it looks alive`,
        'stop it (twarc-cloud status shows it), or pass --force if you know it is dead',
      );
    }
    await store.delete(collectionKeys(id).lock, { ifMatch: lock.etag });
    io.out(`Released the lock of ${id} held by ${holder}.`);
    if (await closeInterrupted(store, id, lock.value.harvest_id))
      io.out(`Its harvest.json now says failed: interrupted (it never finished; what it stored before is kept).`);
    return 0;
  },
};

/**
 * A harvest whose lock is released by hand never finished: its harvest.json, left at "running",
 * is closed as failed and interrupted, so that status and report stop showing it running.
 */
async function closeInterrupted(store: ArchiveStore, id: string, harvestId: string): Promise<boolean> {
  const key = collectionKeys(id).harvest(harvestId).summary;
  const record = await readObject(store, key, 'harvest');
  if (record?.value.outcome !== 'running') return false;
  const value = {
    ...record.value,
    outcome: 'failed' as const,
    stop_reason: 'interrupted: released by twarc-cloud unlock; the harvest never finished',
  };
  await writeObject(store, key, 'harvest', { ...value, ended_at: value.ended_at ?? new Date().toISOString() }, { ifMatch: record.etag });
  return true;
}

async function unlockApply(args: ParsedArgs, io: CliIo): Promise<number> {
  const { settings, targetName } = reconcileSettings(args, io);
  const store: ArchiveStore = await targetStore(settings, targetName, { mustExist: true });
  const lock = await readObject(store, APPLY_LOCK_KEY, 'apply-lock');
  if (!lock) {
    io.out('No apply is running: there is no apply lock.');
    return 0;
  }
  const { host, pid, holder, expires_at: expires } = lock.value;
  const dead = host !== undefined && pid !== undefined && isDeadLocalProcess({ host, pid });
  if (!dead && Date.parse(expires) > Date.now() && args.values['force'] !== true) {
    throw new UserError(
      `the apply lock is held by ${holder}${host !== undefined ? ` (pid ${String(pid)} on ${host})` : ''} until ${expires}: it looks alive`,
      'wait for that apply to finish, or pass --force if you know it is dead',
    );
  }
  await store.delete(APPLY_LOCK_KEY, { ifMatch: lock.etag });
  io.out(`Released the apply lock held by ${holder}.`);
  return 0;
}
