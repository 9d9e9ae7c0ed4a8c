import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';

/** `twarc-cloud apply` without blocking this process's event loop (the fake API lives here). */
async function apply(root: string): Promise<{ code: number | null; output: string }> {
  const result = await runCliAsync(['apply', '--yes'], { cwd: root, env: { HOME: root, CI: '', GITHUB_ACTOR: '' } });
  return { code: result.status, output: result.stdout + result.stderr };
}

describe('apply stops what it removes', { timeout: 60_000 }, () => {
  it("a removed filter collection's running harvest is stopped through its control API and left complete", async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 0 },
      stream: { tweets: 1_000_000, perSecond: 300, keepAliveMs: 100 },
    }).start();
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/live.yaml': 'id: live\ntype: filter\nrules:\n  - value: climate\noutput:\n  tweets_per_file: 100\n',
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    try {
      const created = await apply(root);
      assert.equal(created.code, 0, created.output);
      const store = new LocalArchiveStore(join(root, 'archive'));
      const harvest = startHarvest(['live', '--archive', join(root, 'archive'), '--api-base-url', fake.baseUrl], {
        HOME: root,
        TWARC_CLOUD_DEFAULT_BEARER_TOKEN: SECRET_BEARER,
      });
      await harvest.waitForLog(/tweet file stored/);
      rmSync(join(root, 'collections', 'live.yaml'));
      const removed = await apply(root);
      assert.equal(removed.code, 0, removed.output);
      assert.match(removed.output, /live: running harvest stopped \(control-api\)/);
      const ended = await harvest.done;
      assert.equal(ended.code, 0, ended.stderr);
      const last = await readObject(store, collectionKeys('live').lastHarvest, 'last-harvest');
      assert.equal(last?.value.outcome, 'stopped');
      assert.equal(await store.get(collectionKeys('live').lock), undefined);
      assert.equal((await readObject(store, collectionKeys('live').config, 'collection-config'))?.value.state, 'removed');
      assert.ok(last.value.tweets > 0, 'the harvested tweets are kept');
    } finally {
      await fake.stop();
    }
  });
});
