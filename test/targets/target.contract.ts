/*
 * The Target port's behaviour, which every target must show whatever it runs harvests on: what
 * apply leaves is what the plan asked for (read back with a refresh), a second plan is empty,
 * changes happen in place, suspending and removing stop what ran and keep every byte, and a
 * running harvest is stopped through the stop protocol before its runtime goes.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import { applyPlan } from '../../reconciler/apply/apply.js';
import { toCollection, type CollectionDocument } from '../../reconciler/desired/collection.js';
import { readLive } from '../../reconciler/live/read-live.js';
import type { Plan } from '../../reconciler/plan/model.js';
import { plan } from '../../reconciler/plan/plan.js';
import { desiredCollections } from '../../reconciler/plan/render-config.js';
import type { Target } from '../../reconciler/target.js';

export interface TargetFixture {
  readonly target: Target;
  close(): Promise<void>;
}

const SEARCH: CollectionDocument = { id: 'search', type: 'search', query: 'climate', schedule: 'rate(1 hour)' };
const STREAM: CollectionDocument = { id: 'stream', type: 'filter', rules: [{ value: 'climate' }] };
const TIMELINES: CollectionDocument = {
  id: 'timelines',
  type: 'user_timeline',
  users: { '12': { screen_name: 'jack' } },
  schedule: 'cron(0 6 * * ? *)',
  state: 'suspended',
};

function desired(...documents: CollectionDocument[]): ReturnType<typeof desiredCollections> {
  return desiredCollections(documents.map((doc) => toCollection(doc, 1024)));
}

async function planFor(
  target: Target,
  documents: CollectionDocument[],
): Promise<{ plan: Plan; index: Awaited<ReturnType<typeof readLive>> }> {
  const wanted = desired(...documents);
  const live = await readLive(target, wanted, { refresh: true });
  return {
    plan: plan(wanted, live.live, {
      maxStops: 10,
      allowMassStop: false,
      ...(target.release !== undefined ? { release: target.release } : {}),
    }),
    index: live,
  };
}

async function converge(target: Target, documents: CollectionDocument[]): Promise<Plan> {
  const { plan: planned, index } = await planFor(target, documents);
  await applyPlan(
    planned,
    { index: index.index, ...(index.indexEtag !== undefined ? { etag: index.indexEtag } : {}) },
    { target, provenance: { actor: 'contract' }, report: () => undefined },
  );
  return planned;
}

async function runtimeOf(target: Target, documents: CollectionDocument[]): Promise<Record<string, unknown>> {
  const { live } = await readLive(target, desired(...documents), { refresh: true });
  const ids = [...live.collections.keys()].sort();
  return Object.fromEntries(ids.map((id) => [id, { state: live.collections.get(id)?.state, ...live.collections.get(id)?.runtime }]));
}

/** A harvest's control API as the harvester serves it: POST /stop finishes the harvest, which releases its lock. */
async function runningHarvest(target: Target, id: string): Promise<{ stops: number; close(): Promise<void> }> {
  const token = 'contract-token-0123456789abcdef0123456789';
  const state = { stops: 0 };
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/stop' && request.headers.authorization === `Bearer ${token}`) {
      state.stops += 1;
      response.writeHead(202).end('{"stopping":true}');
      void target.store.delete(collectionKeys(id).lock);
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const now = new Date().toISOString();
  await writeObject(target.store, collectionKeys(id).lock, 'lock', {
    format: 'twarc-cloud/lock@1',
    collection: id,
    harvest_id: '20261202T060000Z',
    holder: { host: 'contract-host', pid: 1 },
    acquired_at: now,
    heartbeat_at: now,
    control: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, token },
  });
  return {
    get stops() {
      return state.stops;
    },
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

export function targetContract(name: string, make: () => Promise<TargetFixture>): void {
  describe(`the Target port: ${name}`, { timeout: 120_000 }, () => {
    it('finds no runtime in an empty archive', async () => {
      const fixture = await make();
      try {
        assert.deepEqual(await fixture.target.readRuntime({}, { refresh: true }), new Map());
      } finally {
        await fixture.close();
      }
    });

    it('leaves after apply the runtime the plan asked for, and then plans nothing', async () => {
      const fixture = await make();
      try {
        const applied = await converge(fixture.target, [SEARCH, STREAM, TIMELINES]);
        assert.deepEqual(
          applied.actions.map((a) => [a.id, a.kind]),
          [
            ['search', 'create'],
            ['stream', 'create'],
            ['timelines', 'create'],
          ],
        );
        // A target with releases records the one each schedule's target and stream runs.
        const release = fixture.target.release !== undefined ? { release: fixture.target.release } : {};
        assert.deepEqual(await runtimeOf(fixture.target, [SEARCH, STREAM, TIMELINES]), {
          search: { state: 'active', schedule: { expression: 'rate(1 hour)', enabled: true, ...release } },
          // Every target runs the filter collection in its credentials profile's stream group.
          stream: { state: 'active', streamGroup: { group: 'default', ...release } },
          timelines: { state: 'suspended', schedule: { expression: 'cron(0 6 * * ? *)', enabled: false, ...release } },
        });
        const again = (await planFor(fixture.target, [SEARCH, STREAM, TIMELINES])).plan;
        assert.deepEqual([again.actions, again.streamGroups], [[], undefined]);
        if (fixture.target.readStreamGroups) {
          // The group's own resource runs while it has a member, and goes with the last.
          const index = (await readLive(fixture.target, [], {})).index.collections;
          assert.deepEqual(
            [...((await fixture.target.readStreamGroups(index, { refresh: true })) ?? [])].map(([group]) => group),
            ['default'],
          );
          const removed = await converge(fixture.target, [SEARCH, TIMELINES]);
          assert.deepEqual(removed.streamGroups, [{ kind: 'stop-stream-group', group: 'default', members: [] }]);
          const after = (await readLive(fixture.target, [], {})).index.collections;
          assert.deepEqual([...((await fixture.target.readStreamGroups(after, { refresh: true })) ?? [])], []);
        }
      } finally {
        await fixture.close();
      }
    });

    it("changes a schedule in place, suspends it, and on removal keeps the collection's data, marked removed", async () => {
      const fixture = await make();
      try {
        await converge(fixture.target, [SEARCH]);
        await writeObject(fixture.target.store, collectionKeys('search').state, 'state', {
          format: 'twarc-cloud/state@1',
          collection: 'search',
          harvest_id: '20261202T060000Z',
          updated_at: new Date().toISOString(),
          search: { since_id: '42' },
        });
        await converge(fixture.target, [{ ...SEARCH, schedule: 'rate(6 hours)' }]);
        const release = fixture.target.release !== undefined ? { release: fixture.target.release } : {};
        assert.deepEqual((await runtimeOf(fixture.target, [SEARCH]))['search'], {
          state: 'active',
          schedule: { expression: 'rate(6 hours)', enabled: true, ...release },
        });
        const suspended = await converge(fixture.target, [{ ...SEARCH, schedule: 'rate(6 hours)', state: 'suspended' }]);
        assert.deepEqual(
          suspended.actions.map((a) => a.kind),
          ['suspend'],
        );
        assert.deepEqual((await runtimeOf(fixture.target, [SEARCH]))['search'], {
          state: 'suspended',
          schedule: { expression: 'rate(6 hours)', enabled: false, ...release },
        });
        const removed = await converge(fixture.target, []);
        assert.deepEqual(
          removed.actions.map((a) => a.kind),
          ['remove'],
        );
        assert.deepEqual((await runtimeOf(fixture.target, []))['search'], { state: 'removed' });
        assert.equal(
          (await readObject(fixture.target.store, collectionKeys('search').config, 'collection-config'))?.value.state,
          'removed',
        );
        assert.equal(
          (await readObject(fixture.target.store, collectionKeys('search').state, 'state'))?.value.search?.since_id,
          '42',
          'state is kept',
        );
        assert.deepEqual((await planFor(fixture.target, [])).plan.actions, [], 'a removed collection is not removed again');
      } finally {
        await fixture.close();
      }
    });

    it('stops a running harvest through its control API before the stream goes', async () => {
      const fixture = await make();
      try {
        await converge(fixture.target, [STREAM]);
        const harvest = await runningHarvest(fixture.target, 'stream');
        try {
          await converge(fixture.target, [{ ...STREAM, state: 'suspended' }]);
          assert.equal(harvest.stops, 1, 'one POST /stop');
          assert.equal(
            await fixture.target.store.get(collectionKeys('stream').lock),
            undefined,
            'apply waited for the harvest to release its lock',
          );
          assert.deepEqual((await runtimeOf(fixture.target, [STREAM]))['stream'], { state: 'suspended' });
        } finally {
          await harvest.close();
        }
      } finally {
        await fixture.close();
      }
    });
  });
}
