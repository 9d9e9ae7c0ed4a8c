import { UserError } from '../../platform/errors.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { oneCollectionId, type CommandSpec } from '../command.js';
import { reconcileSettings, targetStore, TARGET_OPTION, targetHelp } from './reconcile-options.js';

/** A lock whose heartbeat is older than this is stale (the harvester's default --stale-after). */
const STALE_AFTER_MS = 300_000;

export const unlockCommand: CommandSpec = {
  usage: 'twarc-cloud unlock <id> [--force] [--target local|aws]',
  help: ['Options:', '  --force               release it even though its heartbeat is recent', targetHelp(), ''].join('\n'),
  options: { ...TARGET_OPTION, force: { type: 'boolean' } },
  async run(args, io) {
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
    if (age < STALE_AFTER_MS && args.values['force'] !== true) {
      throw new UserError(
        `${id} is locked by ${holder}, whose last heartbeat was ${Math.round(age / 1000)} s ago: it looks alive`,
        'stop it (twarc-cloud status shows it), or pass --force if you know it is dead',
      );
    }
    await store.delete(collectionKeys(id).lock, { ifMatch: lock.etag });
    io.out(`Released the lock of ${id} held by ${holder}.`);
    return 0;
  },
};
