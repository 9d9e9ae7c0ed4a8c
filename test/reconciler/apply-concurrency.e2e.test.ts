/*
 * Two checkouts apply different values of one collection to one archive at the same time, round
 * after round, as two people (or a person and CI) would. Whatever the interleaving, the archive
 * ends equal to one of them, every applied change has exactly one changeset, the index agrees
 * with collection.json, and `plan` from the checkout that won says there is nothing to do.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { bodyHash, bodyOf } from '../../reconciler/plan/render-config.js';
import { reconcile } from '../../reconciler/reconcile.js';
import { loadSettings } from '../../reconciler/settings/settings.js';
import { runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { EVERY_TARGETS_NAME_RULES, targetNamed } from '../../targets/targets.js';

// Each round is one race; 30 keep it in the e2e tier's budget. Raise it to hunt for a rarer interleaving.
const ROUNDS = Number(process.env['TWARC_CLOUD_RACE_ROUNDS'] ?? 30);

function checkout(archive: string, query: string): string {
  return tempProject({
    'twarc-cloud.yaml': `deployment: test\nlocal:\n  archive: ${archive}\n`,
    'collections/shared.yaml': `id: shared\ntype: search\nquery: ${query}\nschedule: rate(1 hour)\n`,
  });
}

describe('two applies racing on one archive', { timeout: 600_000 }, () => {
  it(`end, after each of ${ROUNDS} rounds, with the archive equal to one checkout, one changeset per applied change, and plan agreeing`, async () => {
    const archive = join(tempProject(), 'archive');
    const store = new LocalArchiveStore(archive);
    const checkouts = [checkout(archive, 'one'), checkout(archive, 'two')] as const;
    const apply = (root: string) => runCliAsync(['apply', '--yes'], { cwd: root, env: { HOME: root, CI: '', GITHUB_ACTOR: '' } });
    const tally = { applied: 0, refusedWhileLocked: 0, noChange: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      // New values every round: both checkouts have something to change, and each wants its own.
      const values = [`one-${round}`, `two-${round}`];
      checkouts.forEach((root, i) => {
        writeFileSync(
          join(root, 'collections', 'shared.yaml'),
          `id: shared\ntype: search\nquery: ${values[i] ?? ''}\nschedule: rate(1 hour)\n`,
        );
      });
      const before = changesets(archive);
      const results = await Promise.all(checkouts.map(apply));
      for (const result of results) {
        if (result.status === 0 && /Apply complete/.test(result.stdout)) tally.applied += 1;
        else if (result.status === 0) tally.noChange += 1;
        else {
          assert.match(result.stderr, /another apply is running/, `round ${round}: ${result.stdout}${result.stderr}`);
          tally.refusedWhileLocked += 1;
        }
      }
      const appliedNow = results.filter((r) => r.status === 0 && /Apply complete/.test(r.stdout)).length;
      assert.ok(
        results.some((r) => r.status === 0),
        `round ${round}: at least one of the two applies ran`,
      );
      assert.equal(changesets(archive) - before, appliedNow, `round ${round}: one changeset per applied change, no more`);
      const config = await readObject(store, collectionKeys('shared').config, 'collection-config');
      const index = await readObject(store, COLLECTIONS_INDEX_KEY, 'collections-index');
      assert.ok(config && index);
      assert.equal(
        index.value.collections['shared']?.hash,
        bodyHash(bodyOf(config.value)),
        `round ${round}: the index agrees with collection.json`,
      );
      const winner = checkouts[values.indexOf(config.value.query ?? '')];
      assert.ok(winner !== undefined, `round ${round}: the archive holds ${String(config.value.query)}, the value of one checkout`);
      const { settings } = loadSettings(winner, winner);
      const plan = await reconcile(settings, {
        target: (actor) => targetNamed('local').open(settings, { actor, report: () => undefined }),
        nameRules: EVERY_TARGETS_NAME_RULES,
        allowMassStop: false,
        env: {},
      });
      assert.deepEqual(plan.plan.actions, [], `round ${round}: plan from the checkout whose value is live finds nothing to do`);
    }
    process.stdout.write(
      `# ${ROUNDS} rounds: ${tally.applied} applies applied, ${tally.refusedWhileLocked} refused while the other held the lock, ${tally.noChange} found nothing to do\n`,
    );
    assert.equal(tally.applied + tally.refusedWhileLocked + tally.noChange, ROUNDS * 2);
  });
});

function changesets(archive: string): number {
  const folder = join(archive, 'collections', 'shared', 'changesets');
  return existsSync(folder) ? readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isFile()).length : 0;
}
