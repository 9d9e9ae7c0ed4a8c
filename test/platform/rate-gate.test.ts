import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateGate } from '../../platform/x-api/rate-gate.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('the rate gate', () => {
  it('lets one request learn an unknown window before others follow', async () => {
    const gate = new RateGate(0);
    await gate.acquire();
    let second = false;
    void gate.acquire().then(() => (second = true));
    await tick();
    assert.equal(second, false, 'a second request waits for the first answer');
    gate.settle({ limit: 10, remaining: 9, reset: Date.now() / 1000 + 60 });
    await tick();
    assert.equal(second, true);
  });

  it('keeps requests in flight within what the window has left', async () => {
    const gate = new RateGate(0);
    await gate.acquire();
    gate.settle({ limit: 10, remaining: 2, reset: Date.now() / 1000 + 60 });
    await gate.acquire();
    await gate.acquire();
    let third = false;
    void gate.acquire().then(() => (third = true));
    await tick();
    assert.equal(third, false, 'two left, two in flight: the third waits');
    gate.settle({ limit: 10, remaining: 1, reset: Date.now() / 1000 + 60 });
    await tick();
    assert.equal(third, false, 'one left and one still in flight: still no room');
  });

  it('spaces the starts of requests by the least interval an endpoint asks for (full-archive search: one a second)', async () => {
    let clock = 1_000_000;
    const gate = new RateGate(
      0,
      () => undefined,
      () => clock,
      1000,
    );
    await gate.acquire();
    gate.settle({ limit: 300, remaining: 299, reset: clock / 1000 + 900 });
    let second = false;
    const waiting = gate.acquire().then(() => (second = true));
    await tick();
    assert.equal(second, false, 'the window has room, but the second has not passed');
    clock += 1000;
    await waiting;
    assert.equal(second, true);
  });

  it('trusts the lowest remaining seen in one window, whatever order answers come in', async () => {
    const gate = new RateGate(0);
    const reset = Date.now() / 1000 + 60;
    await gate.acquire();
    gate.settle({ limit: 10, remaining: 3, reset });
    await gate.acquire();
    await gate.acquire();
    gate.settle({ limit: 10, remaining: 0, reset });
    gate.settle({ limit: 10, remaining: 2, reset }); // an older answer arriving late
    let next = false;
    const stop = new AbortController();
    const waiting = gate.acquire(stop.signal).then(() => (next = true));
    await tick();
    assert.equal(next, false);
    stop.abort(new Error('done')); // the wait for the reset a minute away ends with the test
    await assert.rejects(waiting, /done/);
  });

  it('waits for the reset once the window is spent, counts the wait once, and then goes on', async () => {
    const waits: number[] = [];
    const gate = new RateGate(10, (wait) => waits.push(wait.ms));
    await gate.acquire();
    gate.settle({ limit: 1, remaining: 0, reset: (Date.now() + 300) / 1000 });
    const started = Date.now();
    await Promise.all([gate.acquire(), new Promise((resolve) => setTimeout(resolve, 1))]);
    assert.ok(Date.now() - started >= 250, 'waited for the reset');
    assert.equal(waits.length, 1);
  });

  it('counts one wait for one reset, even when its timer ends before the clock reaches the reset', async () => {
    // Timers run on the event loop's cached monotonic time and can end a little before Date.now() says
    // the reset has come; here the clock runs at 60 % of the timers' pace, so every timer ends early.
    const start = Date.now();
    const base = 1_000_000_000_000;
    const clock = (): number => base + (Date.now() - start) * 0.6;
    const waits: number[] = [];
    const gate = new RateGate(100, (wait) => waits.push(wait.ms), clock);
    await gate.acquire();
    assert.equal(gate.spentUntil(base / 1000), true);
    gate.settle(undefined);
    await gate.acquire();
    assert.ok(clock() >= base + 100, 'the reset has come by the clock the gate reads');
    assert.equal(waits.length, 1, `one wait reported, not one per timer: ${waits.join(', ')}`);
  });

  it('gives up waiting when the harvest stops', async () => {
    const gate = new RateGate(0);
    await gate.acquire();
    gate.settle({ limit: 1, remaining: 0, reset: Date.now() / 1000 + 600 });
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error('stopping'));
    await assert.rejects(waiting, /stopping/);
  });
});
