/*
 * What a harvest leaves on the machine it runs on: its lock, which holds the control API's token,
 * readable only by its owner; and no spool folder, not even those of harvests killed before it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { localArchive, putCollection, SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { tempProject } from '../helpers/temp-project.js';

describe('what a harvest leaves behind', { timeout: 60_000 }, () => {
  it('writes lock.json, which holds the control token, readable by its owner only', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 0 },
      stream: { tweets: 1_000_000, perSecond: 100, keepAliveMs: 100 },
    }).start();
    try {
      const archive = await localArchive();
      await putCollection(archive.store, { id: 'private', type: 'filter', rules: [{ value: 'climate' }], track: [], follow: [] });
      const run = startHarvest(['private', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env);
      await run.waitForLog(/harvest started/);
      const mode = statSync(join(archive.location, ...collectionKeys('private').lock.split('/'))).mode;
      assert.equal(mode & 0o077, 0, `lock.json has mode ${(mode & 0o777).toString(8)}`);
      run.child.kill('SIGTERM');
      assert.equal((await run.done).code, 0);
    } finally {
      await fake.stop();
    }
  });

  it('removes the spool folders that killed harvests left on this machine, and only those', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 0, searchTweets: 40 },
    }).start();
    try {
      const archive = await localArchive();
      await putCollection(archive.store, { id: 'swept', type: 'search', query: 'climate', archive: false });
      const spool = tempProject();
      const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
      const dead = join(spool, `twarc-cloud-other-20261201T060000Z-${deadPid}`);
      const live = join(spool, `twarc-cloud-other-20261201T060000Z-${process.pid}`);
      const unrelated = join(spool, 'someone-elses-folder');
      for (const folder of [dead, live, unrelated]) {
        mkdirSync(folder);
        writeFileSync(join(folder, 'tweets-20261201T060000Z-0001.jsonl.gz'), 'half a file');
      }
      const run = startHarvest(['swept', '--archive', archive.location, '--api-base-url', fake.baseUrl], {
        ...archive.env,
        TWARC_CLOUD_SPOOL: spool,
      });
      const ended = await run.done;
      assert.equal(ended.code, 0, ended.stderr);
      assert.ok(!existsSync(dead), "the dead harvest's spool is gone");
      assert.ok(existsSync(live), "a running process's spool stays");
      assert.ok(existsSync(unrelated), 'what is not a spool stays');
      assert.deepEqual(
        readdirSync(spool).sort(),
        [live, unrelated].map((p) => p.split('/').pop()).sort(),
        'and the harvest removed its own',
      );
    } finally {
      await fake.stop();
    }
  });
});
