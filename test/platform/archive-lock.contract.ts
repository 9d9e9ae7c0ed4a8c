import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { acquireLock, LockLost, type LockRequest } from '../../platform/archive/lock.js';
import { readObject } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';

/** Locks on any archive store: one harvest per collection, and stale locks taken over, never crash-looped on. */
export function archiveLockContract(name: string, makeStore: () => ArchiveStore): void {
  const STALE = 60_000;
  const clock = (start: number) => {
    const state = { now: start };
    return { now: () => new Date(state.now), advance: (ms: number) => (state.now += ms) };
  };
  const request = (harvestId: string, now: () => Date, pid = 1): LockRequest => ({
    holder: { host: 'test-host', pid },
    harvestId,
    staleAfterMs: STALE,
    now,
  });

  describe(`collection locks: ${name}`, () => {
    it('lets one harvest take the lock and tells the next who holds it', async () => {
      const store = makeStore();
      const time = clock(Date.parse('2026-11-29T12:00:00Z'));
      const first = await acquireLock(store, 'climate', request('20261129T120000Z', time.now, 101));
      assert.ok(first.acquired);
      const second = await acquireLock(store, 'climate', request('20261129T120005Z', time.now, 102));
      if (second.acquired) assert.fail('a second harvest took a held lock');
      assert.deepEqual({ harvest: second.current.harvest_id, pid: second.current.holder.pid }, { harvest: '20261129T120000Z', pid: 101 });
      const stored = await readObject(store, collectionKeys('climate').lock, 'lock');
      assert.equal(stored?.value.harvest_id, '20261129T120000Z');
    });

    it('gives the lock to exactly one of many harvests started at once', async () => {
      const store = makeStore();
      const attempts = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          acquireLock(
            store,
            'race',
            request(`2026112${i}T120000Z`, () => new Date(), 200 + i),
          ),
        ),
      );
      assert.equal(attempts.filter((a) => a.acquired).length, 1);
    });

    it('refreshes the heartbeat, and a released lock can be taken again', async () => {
      const store = makeStore();
      const time = clock(Date.parse('2026-11-29T12:00:00Z'));
      const attempt = await acquireLock(store, 'beat', request('20261129T120000Z', time.now));
      assert.ok(attempt.acquired);
      time.advance(30_000);
      await attempt.lock.refresh();
      assert.equal((await readObject(store, collectionKeys('beat').lock, 'lock'))?.value.heartbeat_at, '2026-11-29T12:00:30.000Z');
      await attempt.lock.setControl({ url: 'http://127.0.0.1:8700', token: 'x'.repeat(43) });
      assert.equal((await readObject(store, collectionKeys('beat').lock, 'lock'))?.value.control?.url, 'http://127.0.0.1:8700');
      await attempt.lock.release();
      assert.equal(await readObject(store, collectionKeys('beat').lock, 'lock'), undefined);
      assert.ok((await acquireLock(store, 'beat', request('20261129T120100Z', time.now))).acquired);
    });

    it('releases the lock when a heartbeat is still being written (a harvest ending between two beats of its watch)', async () => {
      const store = makeStore();
      const time = clock(Date.parse('2026-11-29T12:00:00Z'));
      const attempt = await acquireLock(store, 'ending', request('20261129T120000Z', time.now));
      assert.ok(attempt.acquired);
      time.advance(30_000);
      // The heartbeat and the release each compare the version they last saw; neither may take the other for a takeover.
      await Promise.all([attempt.lock.refresh(), attempt.lock.setControl({ token: 'y'.repeat(43) }), attempt.lock.release()]);
      assert.equal(await readObject(store, collectionKeys('ending').lock, 'lock'), undefined, 'the lock is gone once released');
    });

    it('does not take over a lock whose heartbeat is recent', async () => {
      const store = makeStore();
      const time = clock(Date.parse('2026-11-29T12:00:00Z'));
      assert.ok((await acquireLock(store, 'fresh', request('20261129T120000Z', time.now, 1))).acquired);
      time.advance(STALE - 1000);
      assert.equal((await acquireLock(store, 'fresh', request('20261129T125900Z', time.now, 2))).acquired, false);
    });

    it('takes over a stale lock, records whose it was, and the old holder can no longer touch it', async () => {
      const store = makeStore();
      const time = clock(Date.parse('2026-11-29T12:00:00Z'));
      const dead = await acquireLock(store, 'stale', request('20261129T120000Z', time.now, 1));
      assert.ok(dead.acquired);
      time.advance(STALE + 1000);
      const rescuer = await acquireLock(store, 'stale', request('20261129T120101Z', time.now, 2));
      assert.ok(rescuer.acquired);
      assert.deepEqual(rescuer.lock.value.took_over, {
        harvest_id: '20261129T120000Z',
        holder: { host: 'test-host', pid: 1 },
        heartbeat_at: '2026-11-29T12:00:00.000Z',
        at: '2026-11-29T12:01:01.000Z',
      });
      await assert.rejects(dead.lock.refresh(), LockLost);
      await assert.rejects(dead.lock.release(), LockLost);
      assert.equal((await readObject(store, collectionKeys('stale').lock, 'lock'))?.value.harvest_id, '20261129T120101Z');
    });

    it('lets exactly one of several rescuers take over a stale lock', async () => {
      const store = makeStore();
      const time = clock(Date.parse('2026-11-29T12:00:00Z'));
      assert.ok((await acquireLock(store, 'rescue', request('20261129T120000Z', time.now, 1))).acquired);
      time.advance(STALE * 2);
      const attempts = await Promise.all(
        [2, 3, 4, 5].map((pid) => acquireLock(store, 'rescue', request(`2026112${pid}T120000Z`, time.now, pid))),
      );
      assert.equal(attempts.filter((a) => a.acquired).length, 1);
    });
  });
}
