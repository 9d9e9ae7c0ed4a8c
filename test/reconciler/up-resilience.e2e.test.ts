/*
 * `up` follows twarc-cloud.yaml as it follows collection files, and when something goes wrong that
 * is not the user's to fix, it stops every harvest gracefully before it exits: no harvest is left
 * running without the process that supervises it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { startUp } from '../helpers/up-process.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';

describe('up under trouble', { timeout: 120_000 }, () => {
  it('applies edits with the twarc-cloud.yaml it has now, and asks for a restart when the archive moves', async () => {
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\nguard:\n  max_stops: 5\n',
      'collections/search.yaml': 'id: search\ntype: search\nquery: climate\n',
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const store = new LocalArchiveStore(join(root, 'archive'));
    const up = startUp(root, { NO_COLOR: '1' });
    try {
      await until(
        () => `up to start:\n${up.output()}`,
        () => Promise.resolve(up.output().includes('up: archive') ? true : undefined),
      );
      writeFileSync(join(root, 'twarc-cloud.yaml'), 'deployment: test\nlocal:\n  archive: ./archive\nguard:\n  max_stops: 0\n');
      writeFileSync(join(root, 'collections', 'search.yaml'), 'id: search\ntype: search\nquery: climate\nstate: suspended\n');
      await until(
        () => `the guard of the new settings to refuse:\n${up.output()}`,
        () => Promise.resolve(/Refused: this plan stops 1 collections and the guard allows 0/.test(up.output()) ? true : undefined),
      );
      assert.equal((await readObject(store, collectionKeys('search').config, 'collection-config'))?.value.state, 'active');
      writeFileSync(join(root, 'twarc-cloud.yaml'), 'deployment: test\nlocal:\n  archive: ./elsewhere\n');
      await until(
        () => `up to say the archive moved:\n${up.output()}`,
        () =>
          Promise.resolve(
            /not applied: twarc-cloud\.yaml now names the archive .*elsewhere; stop up \(Ctrl-C\) and start it again/.test(up.output())
              ? true
              : undefined,
          ),
      );
      up.kill('SIGINT');
      assert.equal(await up.exited, 0, up.output());
    } finally {
      await up.end();
    }
  });

  it("stops every harvest gracefully, then exits 1, when reading the archive fails in a way that is not the user's", async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 0 },
      stream: { tweets: 1_000_000, perSecond: 100, keepAliveMs: 100 },
    }).start();
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/live.yaml': 'id: live\ntype: filter\nrules:\n  - value: climate\n',
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const store = new LocalArchiveStore(join(root, 'archive'));
    const up = startUp(root, { TWARC_CLOUD_API_BASE_URL: fake.baseUrl, NO_COLOR: '1' });
    try {
      await until(
        () => `the stream to run:\n${up.output()}`,
        async () => ((await store.get(collectionKeys('live').lock)) ? true : undefined),
      );
      // The index becomes unreadable: not a file any more.
      rmSync(join(root, 'archive', ...COLLECTIONS_INDEX_KEY.split('/')));
      mkdirSync(join(root, 'archive', ...COLLECTIONS_INDEX_KEY.split('/')));
      const code = await Promise.race([up.exited, new Promise<'hung'>((resolve) => setTimeout(resolve, 60_000, 'hung'))]);
      assert.equal(code, 1, up.output());
      assert.match(up.output(), /up failed; stopping every harvest gracefully/);
      assert.equal(await store.get(collectionKeys('live').lock), undefined, 'no harvest is left running');
      assert.equal((await readObject(store, collectionKeys('live').lastHarvest, 'last-harvest'))?.value.outcome, 'stopped');
    } finally {
      await up.end();
      await fake.stop();
    }
  });
});
