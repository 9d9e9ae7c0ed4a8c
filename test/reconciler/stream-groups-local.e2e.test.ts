import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { collectionKeys, STREAM_GROUPS_PREFIX } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject } from '../../platform/archive/objects.js';
import { listAll, type ArchiveStore } from '../../platform/archive/store.js';
import { tagOwner } from '../../harvester/stream-group/group-rules.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startUp } from '../helpers/up-process.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';
import { SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';

/** Tweet ids in the unmatched files of every run of a stream group. */
async function groupUnmatched(store: ArchiveStore): Promise<string[]> {
  const ids: string[] = [];
  for await (const object of listAll(store, STREAM_GROUPS_PREFIX)) {
    if (!/\/unmatched-[^/]+\.jsonl\.gz$/.test(object.key)) continue;
    const body = await store.get(object.key);
    for (const line of gunzipSync(body?.body ?? Buffer.alloc(0))
      .toString('utf8')
      .split('\n')) {
      if (line !== '') ids.push((JSON.parse(line) as { data: { id: string } }).data.id);
    }
  }
  return ids;
}

const filter = (id: string, rule: string, extra = ''): string =>
  `id: ${id}\ntype: filter\nrules:\n  - value: ${rule}\noutput:\n  tweets_per_file: 40\n${extra}`;

describe('stream groups on the local target', { timeout: 180_000 }, () => {
  it('runs three filter collections of one profile on one connection: shared matches land in both, edits change rules live, a removal and a max_records end only their own', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 5, tweetsPerUser: () => 5 },
      stream: { tweets: 1_000_000, perSecond: 150, keepAliveMs: 100, recordServed: true, wire: { twoRulesEvery: 4 } },
    }).start();
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', 'collections/.keep': '' });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const store = new LocalArchiveStore(join(root, 'archive'));
    const file = (id: string): string => join(root, 'collections', `${id}.yaml`);
    writeFileSync(file('alpha'), filter('alpha', 'climate'));
    writeFileSync(file('beta'), filter('beta', 'weather'));
    writeFileSync(file('gamma'), filter('gamma', 'storm', 'max_records: 120\n'));
    const up = startUp(root, { TWARC_CLOUD_API_BASE_URL: fake.baseUrl, TWARC_CLOUD_GROUP_SYNC_MS: '300' });
    const rules = (): string[] =>
      fake.stream
        .rulesOf(SECRET_BEARER)
        .map((r) => r.value)
        .sort();
    try {
      for (const id of ['alpha', 'beta']) {
        await until(`${id} to store tweets`, async () => ((await storedTweets(store, id)).length >= 80 ? true : undefined));
      }
      const gammaDone = await until('gamma to reach its max_records', async () => {
        const last = await readObject(store, collectionKeys('gamma').lastHarvest, 'last-harvest');
        return last?.value.outcome === 'completed' ? last.value : undefined;
      });
      assert.equal(gammaDone.total_tweets, 120, 'gamma stored exactly its max_records');
      const gammaIds = new Set((await storedTweets(store, 'gamma')).map((t) => t.id));
      assert.equal(gammaDone.distinct_tweets, gammaIds.size, "the group's member counted its posts' ids as it stored them");
      assert.equal(fake.stream.connections, 1, 'three collections, one connection');
      await until("gamma's rule to be deleted once it is complete", () => Promise.resolve(rules().includes('storm') ? undefined : true));

      const shared = fake.stream.servedMatches.find(
        (m) => m.rules.length === 2 && m.rules.some((r) => tagOwner(r.tag) === 'alpha') && m.rules.some((r) => tagOwner(r.tag) === 'beta'),
      );
      assert.ok(shared, 'the fake served a tweet matching rules of alpha and beta');
      await until('the shared tweet to be stored in both', async () => {
        const [a, b] = await Promise.all([storedTweets(store, 'alpha'), storedTweets(store, 'beta')]);
        return a.some((t) => t.id === shared.id) && b.some((t) => t.id === shared.id) ? true : undefined;
      });

      writeFileSync(file('alpha'), filter('alpha', 'climate change'));
      await until("alpha's rule to change on X", () => Promise.resolve(rules().join() === 'climate change,weather' ? true : undefined));
      const alphaBefore = (await storedTweets(store, 'alpha')).length;
      await until('alpha to keep storing after its edit', async () =>
        (await storedTweets(store, 'alpha')).length >= alphaBefore + 80 ? true : undefined,
      );
      assert.equal(fake.stream.connections, 1, 'the edit changed the rules without a reconnect');

      const servedBeforeBetaLeft = fake.stream.servedMatches.length;
      rmSync(file('beta'));
      const betaLast = await until('beta to finish its harvest', async () => {
        const config = await readObject(store, collectionKeys('beta').config, 'collection-config');
        const lock = await store.get(collectionKeys('beta').lock);
        const last = await readObject(store, collectionKeys('beta').lastHarvest, 'last-harvest');
        return config?.value.state === 'removed' && !lock ? last?.value : undefined;
      });
      assert.equal(betaLast.outcome, 'stopped', 'the removed collection was stopped gracefully');
      await until("beta's rule to be deleted", () => Promise.resolve(rules().join() === 'climate change' ? true : undefined));
      const alphaNow = (await storedTweets(store, 'alpha')).length;
      await until('alpha to keep streaming after beta left', async () =>
        (await storedTweets(store, 'alpha')).length >= alphaNow + 80 ? true : undefined,
      );
      assert.equal(fake.stream.connections, 1, 'joins, edits and leaves on one connection');
      assert.equal(
        (await readObject(store, collectionKeys('gamma').lastHarvest, 'last-harvest'))?.value.total_tweets,
        120,
        'gamma stayed complete',
      );

      // X keeps sending while a connection closes, and what is in flight then is lost (as on any disconnect):
      // the fake stops first, and the group is stopped once alpha's running harvest holds every match sent.
      fake.stream.plan = { ...fake.stream.plan, tweets: fake.stream.delivered };
      const servedBeforeShutdown = [...fake.stream.servedMatches];
      const alphaSent = servedBeforeShutdown.filter((m) => m.rules.some((r) => tagOwner(r.tag) === 'alpha')).length;
      let seen = 'nothing yet';
      await until(
        () => `alpha to have received every match sent (${alphaSent}; ${seen})`,
        async () => {
          const lock = await readObject(store, collectionKeys('alpha').lock, 'lock');
          const control = lock?.value.control;
          if (!lock || control?.url === undefined) return undefined;
          const live = (await (await fetch(control.url, { headers: { authorization: `Bearer ${control.token}` } })).json()) as {
            tweets: number;
          };
          const earlier = (await storedTweets(store, 'alpha')).filter((t) => t.harvestId !== lock.value.harvest_id).length;
          seen = `${earlier} in earlier harvests, ${live.tweets} in harvest ${lock.value.harvest_id}`;
          return earlier + live.tweets === alphaSent ? true : undefined;
        },
      );
      up.kill('SIGINT');
      assert.equal(await up.exited, 0, up.output());
      const stored = new Map<string, Set<string>>();
      for (const id of ['alpha', 'beta', 'gamma']) {
        const tweets = await storedTweets(store, id);
        const ids = new Set(tweets.map((t) => t.id));
        assert.equal(ids.size, tweets.length, `${id} stored no tweet twice`);
        stored.set(id, ids);
      }
      const unmatched = new Set(await groupUnmatched(store));
      const matchesOf = (id: string, served: typeof servedBeforeShutdown): string[] =>
        served.filter((m) => m.rules.some((r) => tagOwner(r.tag) === id)).map((m) => m.id);
      const missing = (id: string, ids: readonly string[]): string[] => ids.filter((tweet) => !stored.get(id)?.has(tweet));
      const everywhere = new Set([...stored.values()].flatMap((ids) => [...ids]));
      assert.deepEqual(
        servedBeforeShutdown.filter((m) => !everywhere.has(m.id) && !unmatched.has(m.id)).map((m) => m.id),
        [],
        'every message X sent is stored: in the collections it matched, or kept in the unmatched files',
      );
      const alphaMatches = matchesOf('alpha', servedBeforeShutdown);
      assert.ok(alphaMatches.length > 200, `alpha was served ${alphaMatches.length} tweets`);
      assert.deepEqual(
        missing('alpha', alphaMatches),
        [],
        'alpha, a member throughout, has every tweet its rules matched, across its edit',
      );
      assert.deepEqual(
        missing('beta', matchesOf('beta', fake.stream.servedMatches.slice(0, servedBeforeBetaLeft))),
        [],
        'beta has every match until it left',
      );
      const gammaFirst = matchesOf('gamma', servedBeforeShutdown).slice(0, 120);
      assert.deepEqual([...(stored.get('gamma') ?? [])].sort(), [...gammaFirst].sort(), "gamma has exactly its rules' first 120 matches");
    } finally {
      await up.end();
      await fake.stop();
    }
  });
});
