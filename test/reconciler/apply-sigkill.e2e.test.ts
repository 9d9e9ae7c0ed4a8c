/*
 * Apply killed with SIGKILL at random points (drawn from a printed seed), then applied again: the
 * second apply finds what the first wrote and finishes it, and every collection ends with one
 * collection.json, one index entry and exactly one changeset that created it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { seededRandom } from '../generators/collection-files.js';
import { searchCollectionsProject } from '../helpers/apply-fixtures.js';
import { runCliAsync } from '../helpers/run-cli.js';
import { until } from '../helpers/until.js';

const seed = Number(process.env['TWARC_CLOUD_KILL_SEED'] ?? 20_261_207);
const KILLS = Number(process.env['TWARC_CLOUD_APPLY_KILLS'] ?? 20);
// Enough that most kills land while apply writes (13 of 20 at 100 with the default seed; 6 at 60).
const COLLECTIONS = 100;
console.log(`# apply SIGKILL points from seed ${seed} (replay with TWARC_CLOUD_KILL_SEED=${seed})`);
const random = seededRandom(seed);
const figures = { kills: 0, midApply: 0, duplicates: 0 };
after(() => {
  console.log(`# apply SIGKILL figures: ${figures.kills} kills, ${figures.midApply} mid-apply, ${figures.duplicates} duplicate changesets`);
});

const env = (root: string): NodeJS.ProcessEnv => ({ HOME: root, CI: '', GITHUB_ACTOR: '' });

function collectionFolders(archive: string): number {
  const folder = join(archive, 'collections');
  return existsSync(folder) ? readdirSync(folder).length : 0;
}

/** Starts `apply --yes` and kills it once `folders` collection folders exist (or it ended first). */
async function applyKilledAt(root: string, folders: number): Promise<boolean> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'apply', '--yes'], {
    cwd: root,
    env: { ...process.env, ...env(root) },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  let ended = false;
  void exited.then(() => (ended = true));
  await until(`apply to write ${folders} collection folders`, () =>
    Promise.resolve(ended || collectionFolders(join(root, 'archive')) >= folders),
  );
  const mid = !ended;
  child.kill('SIGKILL');
  await exited;
  return mid;
}

describe('apply killed with SIGKILL, then applied again', { timeout: 600_000 }, () => {
  it(`ends, at each of ${KILLS} kill points, with every collection created once: one changeset each, all indexed, nothing left to plan`, async () => {
    for (let kill = 0; kill < KILLS; kill += 1) {
      const root = searchCollectionsProject(COLLECTIONS);
      const point = 1 + Math.floor(random() * (COLLECTIONS - 1));
      figures.kills += 1;
      if (await applyKilledAt(root, point)) figures.midApply += 1;
      const again = await runCliAsync(['apply', '--yes'], { cwd: root, env: env(root) });
      assert.equal(again.status, 0, `kill ${kill} at ${point} folders: ${again.stdout}${again.stderr}`);
      const store = new LocalArchiveStore(join(root, 'archive'));
      const index = await readObject(store, COLLECTIONS_INDEX_KEY, 'collections-index');
      assert.equal(Object.keys(index?.value.collections ?? {}).length, COLLECTIONS, `kill ${kill}: every collection is indexed`);
      for (let i = 0; i < COLLECTIONS; i += 1) {
        const folder = join(root, 'archive', collectionKeys(`s${i}`).changesetsPrefix);
        // A killed write leaves a hidden temporary file beside its target, never a changeset.
        const changesets = existsSync(folder) ? readdirSync(folder).filter((name) => !name.startsWith('.')) : [];
        figures.duplicates += Math.max(0, changesets.length - 1);
        assert.equal(changesets.length, 1, `kill ${kill} at ${point} folders: s${i} has ${changesets.length} changesets`);
      }
      const plan = await runCliAsync(['plan'], { cwd: root, env: env(root) });
      assert.equal(plan.status, 0, `kill ${kill}: nothing left to plan\n${plan.stdout}`);
    }
    assert.ok(figures.midApply > 0, 'at least one kill landed while apply was writing');
  });
});
