import assert from 'node:assert/strict';
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startHarvest } from '../helpers/harvester-process.js';
import { localArchive, putCollection } from '../helpers/archive-fixtures.js';

/** Planted in twarc2's config file; none may appear in any output, object or process argument. */
const PLANTED = {
  bearer_token: 'AAAAplantedBearerTokenZZZ9876543210',
  consumer_key: 'plantedConsumerKey123456',
  consumer_secret: 'plantedConsumerSecretABCDEF123456',
  access_token: '12345-plantedAccessTokenQWERTY',
  access_token_secret: 'plantedAccessTokenSecretXYZ987654',
};

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function assertClean(where: string, text: string): void {
  for (const [name, value] of Object.entries(PLANTED)) {
    assert.ok(!text.includes(value), `${name} leaked into ${where}`);
  }
}

describe('secrets', { timeout: 60_000 }, () => {
  it('never appear in archive objects, logs, errors or process arguments, across every collection type and failure', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [PLANTED.bearer_token],
      corpus: { users: 3, tweetsPerUser: () => 40, searchTweets: 40 },
      stream: { tweets: 1_000_000, keepAliveMs: 100 },
    }).start();
    const archive = await localArchive();
    const home = archive.env['HOME'] ?? '';
    await mkdir(join(home, '.config', 'twarc'), { recursive: true });
    const config = Object.entries(PLANTED)
      .map(([key, value]) => `${key} = "${value}"`)
      .join('\n');
    await writeFile(join(home, '.config', 'twarc', 'config'), `${config}\n[revoked]\nbearer_token = "${PLANTED.bearer_token}x"\n`);
    const env = { ...archive.env, TWARC_CLOUD_DEFAULT_BEARER_TOKEN: '' };
    try {
      const users = Object.fromEntries(fake.corpus.users.map((u) => [u.id, { screen_name: u.username }]));
      await putCollection(archive.store, { id: 'timelines', type: 'user_timeline', users, delete_users_for: [] });
      await putCollection(archive.store, { id: 'search', type: 'search', query: 'climate', archive: false });
      await putCollection(archive.store, { id: 'stream', type: 'filter', rules: [{ value: 'climate' }], max_records: 100 });
      await putCollection(archive.store, { id: 'rejected', type: 'search', query: 'climate', archive: false, credentials: 'revoked' });
      fake.inject('users/:id/tweets', { kind: '503' }, 2);
      fake.inject('tweets/search/recent', { kind: 'reset' }, 1);
      fake.injectStreamFault(50, { kind: 'reset' });
      const outputs: string[] = [];
      for (const id of ['timelines', 'search', 'stream', 'rejected', 'no-such-collection']) {
        const run = startHarvest([id, '--archive', archive.location, '--api-base-url', fake.baseUrl], env);
        const pid = run.child.pid;
        if (pid !== undefined) {
          const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          assertClean(`the command line of the harvest of ${id}`, cmdline);
        }
        const result = await run.done;
        outputs.push(result.stdout, result.stderr);
        assertClean(`the output of the harvest of ${id}`, result.stdout + result.stderr);
        if (id === 'rejected') assert.match(result.stderr, /refused the credentials of profile "revoked"/);
        if (id === 'no-such-collection') assert.match(result.stderr, /not in the archive/);
      }
      assert.ok(outputs.join('').includes('"level":"info"'), 'the harvests did log');
      const files = await filesUnder(archive.location);
      assert.ok(
        files.some((f) => f.endsWith('.jsonl.gz')),
        'the harvests did write tweet files',
      );
      for (const file of files) {
        const raw = await readFile(file);
        assertClean(file, file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8'));
      }
    } finally {
      await fake.stop();
    }
  });
});
