import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { processRuns } from '../../platform/local-process.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startUp } from '../helpers/up-process.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';

/** A fake X API streaming without end, and a git project of filter collections in the local archive. */
async function streamingProject(collections: Record<string, string>): Promise<{ fake: FakeXApi; root: string; store: LocalArchiveStore }> {
  const fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    stream: { tweets: 1_000_000, perSecond: 100, keepAliveMs: 100 },
  }).start();
  const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', ...collections });
  execFileSync('git', ['-C', root, 'init', '-q']);
  return { fake, root, store: new LocalArchiveStore(join(root, 'archive')) };
}

describe('twarc-cloud up, the embedded default', { timeout: 120_000 }, () => {
  it("follows collection files: starts, reconfigures and stops streams, runs a new schedule's first harvest at once, and stops cleanly on Ctrl-C", async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 30 },
      stream: { tweets: 1_000_000, perSecond: 200, keepAliveMs: 100 },
    }).start();
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', 'collections/.keep': '' });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const store = new LocalArchiveStore(join(root, 'archive'));
    const up = startUp(root, { TWARC_CLOUD_API_BASE_URL: fake.baseUrl });
    try {
      await until('up to start', () => Promise.resolve(up.output().includes('up: archive') ? true : undefined));
      const stream = join(root, 'collections', 'live.yaml');
      writeFileSync(stream, 'id: live\ntype: filter\nrules:\n  - value: climate\noutput:\n  tweets_per_file: 50\n');
      await until('the stream to store tweets', async () => ((await storedTweets(store, 'live')).length > 0 ? true : undefined));

      writeFileSync(stream, 'id: live\ntype: filter\nrules:\n  - value: weather\noutput:\n  tweets_per_file: 50\n');
      await until('the stream rules to change', () =>
        Promise.resolve(
          fake.stream
            .rulesOf(SECRET_BEARER)
            .map((r) => r.value)
            .join() === 'weather'
            ? true
            : undefined,
        ),
      );

      rmSync(stream);
      const stopped = await until('the stream to stop', async () => {
        const config = await readObject(store, collectionKeys('live').config, 'collection-config');
        const lock = await store.get(collectionKeys('live').lock);
        return config?.value.state === 'removed' && !lock ? config : undefined;
      });
      assert.equal(stopped.value.state, 'removed');
      const last = await readObject(store, collectionKeys('live').lastHarvest, 'last-harvest');
      assert.equal(last?.value.outcome, 'stopped', 'the removed stream was stopped gracefully and its harvest completed');

      const users = fake.corpus.users.map((u) => `  "${u.id}":\n    screen_name: ${u.username}`).join('\n');
      writeFileSync(
        join(root, 'collections', 'timelines.yaml'),
        `id: timelines\ntype: user_timeline\nschedule: cron(0 0 1 1 ? *)\nusers:\n${users}\n`,
      );
      // Scheduled once a year, it is harvested at once: a new collection's first harvest does not wait for its schedule.
      const harvested = await until(
        'the first harvest of a new scheduled collection',
        async () => (await readObject(store, collectionKeys('timelines').lastHarvest, 'last-harvest'))?.value,
      );
      assert.equal(harvested.outcome, 'completed');
      assert.equal(harvested.tweets, 90);

      writeFileSync(stream, 'id: live\ntype: filter\nrules:\n  - value: climate\n');
      await until('the stream to run again', async () => ((await store.get(collectionKeys('live').lock)) ? true : undefined));
      up.kill('SIGINT');
      assert.equal(await up.exited, 0, up.output());
      assert.match(up.output(), /SIGINT: stopping every harvest gracefully/);
      const lock = await store.get(collectionKeys('live').lock);
      assert.equal(lock?.body.toString(), undefined, `Ctrl-C left no harvest running; up said:\n${up.output()}`);
      assert.equal((await readObject(store, collectionKeys('live').lastHarvest, 'last-harvest'))?.value.outcome, 'stopped');
    } finally {
      await up.end();
      await fake.stop();
    }
  });

  it('takes its stream group down with it when it is killed (SIGKILL), so the next up is not refused by X', async () => {
    const { fake, root, store } = await streamingProject({
      'collections/live.yaml': 'id: live\ntype: filter\nstate: active\nrules:\n  - value: climate\noutput:\n  tweets_per_file: 50\n',
    });
    const up = startUp(root, { TWARC_CLOUD_API_BASE_URL: fake.baseUrl });
    try {
      const group = await until('the stream group to hold its member lock', async () => {
        const lock = await readObject(store, collectionKeys('live').lock, 'lock');
        return lock && (await storedTweets(store, 'live')).length > 0 ? lock.value.holder.pid : undefined;
      });
      assert.ok(processRuns(group), 'the group runs as a process of its own');
      const upPid = up.pid;
      const before = [upPid, group].filter((pid) => processRuns(pid)).length;
      up.kill('SIGKILL');
      await up.exited;
      await until(
        'the group to end and release its member',
        async () => !processRuns(group) && !(await store.get(collectionKeys('live').lock)),
      );
      const after = [upPid, group].filter((pid) => processRuns(pid)).length;
      console.log(`# orphan figures (up): ${before} processes before SIGKILL of up (up, its stream group), ${after} after`);
      assert.equal(after, 0);
      const last = await readObject(store, collectionKeys('live').lastHarvest, 'last-harvest');
      assert.equal(last?.value.outcome, 'stopped', 'its member harvest was finished gracefully');
      // The app's one connection is free for the next up.
      await until('the stream connection to close', () => Promise.resolve(!fake.stream.isConnected(SECRET_BEARER)));
    } finally {
      await up.end();
      await fake.stop();
    }
  });

  it('ends its stream group once `stop` has stopped every member, and starts it again when a member is edited', async () => {
    const member = (id: string, rule: string): string =>
      `id: ${id}\ntype: filter\nstate: active\nrules:\n  - value: ${rule}\noutput:\n  tweets_per_file: 50\n`;
    const { fake, root, store } = await streamingProject({
      'collections/fa.yaml': member('fa', 'climate'),
      'collections/fb.yaml': member('fb', 'weather'),
    });
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const up = startUp(root, { TWARC_CLOUD_API_BASE_URL: fake.baseUrl, TWARC_CLOUD_GROUP_SYNC_MS: '200' });
    const groupPid = (): Promise<number | undefined> =>
      until('the stream group to hold both member locks', async () => {
        const locks = await Promise.all(['fa', 'fb'].map((id) => readObject(store, collectionKeys(id).lock, 'lock')));
        const pids = new Set(locks.map((lock) => lock?.value.holder.pid));
        return locks.every(Boolean) && pids.size === 1 ? [...pids][0] : undefined;
      });
    try {
      const group = await groupPid();
      assert.ok(group !== undefined && processRuns(group));
      const groupsBefore = [group].filter((pid) => processRuns(pid)).length;
      for (const id of ['fa', 'fb']) {
        const stopped = await runCliAsync(['stop', id], { cwd: root, env });
        assert.equal(stopped.status, 0, stopped.stdout + stopped.stderr);
      }
      await until('the group process to end once its last member was stopped', () => Promise.resolve(!processRuns(group)));
      const groupsAfter = [group].filter((pid) => processRuns(pid)).length;
      console.log(`# orphan figures (stop): ${groupsBefore} stream group process before stop of its two members, ${groupsAfter} after`);
      await until('the stream connection to close', () => Promise.resolve(!fake.stream.isConnected(SECRET_BEARER)));
      assert.match(up.output(), /stream group default: stream harvest ended/);
      for (const id of ['fa', 'fb'])
        assert.equal((await readObject(store, collectionKeys(id).lastHarvest, 'last-harvest'))?.value.outcome, 'stopped', id);

      writeFileSync(join(root, 'collections', 'fa.yaml'), member('fa', 'storm'));
      await until('the group to start again for the edited member', async () => {
        const lock = await readObject(store, collectionKeys('fa').lock, 'lock');
        return lock !== undefined && lock.value.holder.pid !== group;
      });
      assert.equal((up.output().match(/stream group default: starting its stream \(fa,fb\)/g) ?? []).length, 2, up.output());
    } finally {
      await up.end();
      await fake.stop();
    }
  });
});
