/*
 * A collection file's compliance schedule under `up`: the check runs as a child process, as a
 * schedule's harvest does, after the collection's first harvest (never in the middle of it), and
 * writes X's answers into the archive.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newestComplianceRun } from '../../platform/archive/compliance-runs.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startUp } from '../helpers/up-process.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';

describe('twarc-cloud up with a compliance schedule', { timeout: 120_000 }, () => {
  it("runs the collection's compliance check after its first harvest, and records what X marked", async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 20 },
      compliance: { processingMs: 100 },
    }).start();
    const [first, , third] = fake.corpus.users;
    assert.ok(first && third);
    // On X, since: three of the first user's tweets deleted, the third user suspended.
    const deleted = fake.corpus
      .timeline(first.id)
      .slice(0, 3)
      .map((tweet) => tweet.id);
    for (const id of deleted) fake.compliance.mark('tweets', id, 'deleted');
    fake.compliance.mark('users', third.id, 'suspended');
    const users = fake.corpus.users.map((u) => `  "${u.id}":\n    screen_name: ${u.username}`).join('\n');
    const yearly = 'cron(0 0 1 1 ? *)';
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/timelines.yaml': `id: timelines\ntype: user_timeline\nschedule: ${yearly}\ncompliance:\n  schedule: ${yearly}\nusers:\n${users}\n`,
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const store = new LocalArchiveStore(join(root, 'archive'));
    const up = startUp(root, { TWARC_CLOUD_API_BASE_URL: fake.baseUrl, TWARC_CLOUD_COMPLIANCE_POLL_MS: '100' });
    try {
      // Both schedules are yearly: a collection never harvested nor checked runs each at once, the check after the harvest.
      const runId = await until('a compliance run in the archive', () => newestComplianceRun(store, 'timelines'), 60_000);
      const record = (await readObject(store, collectionKeys('timelines').compliance(runId).record, 'compliance'))?.value;
      assert.ok(record, up.output());
      assert.equal((await storedTweets(store, 'timelines')).length, 60);
      assert.deepEqual(
        record.jobs.map((job) => [job.type, job.ids, job.reasons]),
        [
          ['tweets', 60, { deleted: 3 }],
          ['users', 3, { suspended: 1 }],
        ],
        'every stored id was checked: the check ran after the whole first harvest',
      );
      assert.match(up.output(), /timelines: scheduled harvest \(cron\(0 0 1 1 \? \*\)\)/);
      assert.match(up.output(), /timelines: scheduled compliance check \(cron\(0 0 1 1 \? \*\)\)/);
      up.kill('SIGINT');
      assert.equal(await up.exited, 0, up.output());
    } finally {
      await up.end();
      await fake.stop();
    }
  });
});
