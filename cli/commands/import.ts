import { lstat, mkdir } from 'node:fs/promises';
import { writeOutputFile } from '../../platform/output-file.js';
import { join } from 'node:path';
import { UserError } from '../../platform/errors.js';
import { collectionKeys, harvestId } from '../../platform/archive/keys.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import { openArchiveStore } from '../../platform/archive/open-store.js';
import { listAll } from '../../platform/archive/store.js';
import { convertV1, type V1Collection } from '../../reconciler/import/v1-collection.js';
import { relativeToCwd } from '../../reconciler/problems.js';
import type { CommandSpec } from '../command.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';

export const importCommand: CommandSpec = {
  usage: `twarc-cloud import --bucket <name> [--credentials <profile>] ${TARGET_USAGE}`,
  help: [
    'Reads collections/*/collection.json of the old bucket. Writes collections/<id>.yaml (state: suspended,',
    "to be reviewed) and each collection's resume points into the target's state.json. API keys found in",
    'the old configs are never copied; put them into the credentials profile instead.',
    '',
    'Options:',
    '  --bucket <name>       the old Twarc-Cloud bucket (or --from <dir> for a local copy of it)',
    '  --credentials <p>     the profile the new files name (default: default)',
    targetHelp(),
    '',
  ].join('\n'),
  options: { ...TARGET_OPTION, bucket: { type: 'string' }, from: { type: 'string' }, credentials: { type: 'string' } },
  async run(args, io) {
    const bucket = args.values['bucket'];
    const from = args.values['from'];
    if (typeof bucket !== 'string' && typeof from !== 'string')
      throw new UserError('import needs --bucket <name> (or --from <dir>)', `usage: ${this.usage}`);
    const { settings, targetName } = reconcileSettings(args, io);
    const source = typeof bucket === 'string' ? `s3://${bucket}` : join(io.cwd, String(from));
    const old = await openArchiveStore(source, settings.aws ? { region: settings.aws.region } : {});
    const target = await targetStore(settings, targetName);
    const profile = typeof args.values['credentials'] === 'string' ? args.values['credentials'] : 'default';
    await mkdir(settings.collectionsDir, { recursive: true });
    let imported = 0;
    let withKeys = 0;
    for await (const object of listAll(old, 'collections/')) {
      if (!/^collections\/[^/]+\/collection\.json$/.test(object.key)) continue;
      const stored = await old.get(object.key);
      let parsed: unknown;
      try {
        parsed = JSON.parse(stored?.body.toString('utf8') ?? '');
      } catch {
        io.err(`  ${object.key}: not JSON, skipped`);
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        io.err(
          `  ${object.key}: not a v1 collection (${parsed === null ? 'null' : Array.isArray(parsed) ? 'a list' : typeof parsed}), skipped`,
        );
        continue;
      }
      const config = parsed as V1Collection;
      let converted;
      try {
        converted = convertV1(config, `${source}/${object.key}`, profile);
      } catch (error) {
        io.err(`  ${object.key}: skipped: ${(error as Error).message}`);
        continue;
      }
      const path = join(settings.collectionsDir, `${converted.id}.yaml`);
      // Anything there, a dangling link included, is the user's: not overwritten, never written through.
      if (
        await lstat(path).then(
          () => true,
          () => false,
        )
      ) {
        io.err(`  ${converted.id}: ${relativeToCwd(path, io.cwd)} exists already; not overwritten`);
        continue;
      }
      // The resume points first: a file written is a collection imported, which a re-run skips.
      await carryOverState(target, converted.id, converted.userSinceIds, converted.searchSinceId);
      await writeOutputFile(path, converted.yaml, { replace: false });
      imported += 1;
      if (converted.hadKeys) withKeys += 1;
      io.out(
        `+ ${relativeToCwd(path, io.cwd)}${Object.keys(converted.userSinceIds).length > 0 ? ` (since_id of ${Object.keys(converted.userSinceIds).length} users carried over)` : ''}${converted.searchSinceId !== undefined ? ' (search since_id carried over)' : ''}`,
      );
      for (const note of converted.notes) io.out(`    note: ${note}`);
    }
    if (imported === 0)
      throw new UserError(
        `no v1 collection.json found in ${source}`,
        'check the bucket name; Twarc-Cloud kept them under collections/<id>/collection.json',
      );
    if (withKeys > 0) {
      io.err(
        `${withKeys} of the old configs held API keys. They were NOT copied into the YAML files. Put them into the credentials profile "${profile}" (twarc2 configure, TWARC_CLOUD_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_* variables, or SSM), then delete them from the old bucket.`,
      );
    }
    io.out(
      `${imported} collection${imported === 1 ? '' : 's'} imported, all suspended: review them, set state: active, then plan and apply.`,
    );
    return 0;
  },
};

async function carryOverState(
  store: Awaited<ReturnType<typeof targetStore>>,
  id: string,
  users: Record<string, string>,
  searchSinceId: string | undefined,
): Promise<void> {
  if (Object.keys(users).length === 0 && searchSinceId === undefined) return;
  const key = collectionKeys(id).state;
  const current = await readObject(store, key, 'state');
  const now = new Date();
  const state = current?.value ?? {
    format: 'twarc-cloud/state@1' as const,
    collection: id,
    harvest_id: harvestId(now),
    updated_at: now.toISOString(),
  };
  for (const [userId, sinceId] of Object.entries(users)) (state.users ??= {})[userId] = { ...state.users[userId], since_id: sinceId };
  if (searchSinceId !== undefined) state.search = { ...state.search, since_id: searchSinceId };
  await writeObject(
    store,
    key,
    'state',
    { ...state, updated_at: now.toISOString() },
    current ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
  );
}
