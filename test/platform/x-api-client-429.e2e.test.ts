/*
 * Every 429 waits, and a 429 never turns into a stream of requests: the client waits for the reset
 * the headers give (even when they show quota left), backs off when there are none, and gives up
 * at once on the monthly usage cap, which no wait within a harvest lifts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { XApiClient } from '../../platform/x-api/client.js';
import { XUsageCapReached } from '../../platform/x-api/errors.js';
import { FakeXApi } from '../../simulator/x-api/server.js';

const BEARER = 'AAAA-client-429-test';
let fake: FakeXApi;

before(async () => {
  fake = await new FakeXApi({ bearerTokens: [BEARER], corpus: { users: 3, tweetsPerUser: () => 0 } }).start();
});
after(async () => {
  await fake.stop();
});

function client(events: { waits: number[]; retries: number[] }): XApiClient {
  return new XApiClient({
    baseUrl: fake.baseUrl,
    credentials: { profile: 'default', bearerToken: BEARER },
    rateLimitMarginMs: 20,
    backoffScale: 0.002,
    events: {
      rateLimitWait: (_endpoint, ms) => events.waits.push(ms),
      retry: (_endpoint, _problem, _attempt, ms) => events.retries.push(ms),
    },
  });
}

describe('the X API client and 429s', { timeout: 60_000 }, () => {
  it('stops at the first answer of a used-up monthly cap, with a message naming it, even though the headers show quota left', async () => {
    const before = fake.count('users/by');
    fake.inject('users/by', { kind: 'usage-cap' }, 5);
    const events = { waits: [] as number[], retries: [] as number[] };
    await assert.rejects(client(events).get('users/by', { usernames: 'XDevelopers' }), (error: unknown) => {
      assert.ok(error instanceof XUsageCapReached, String(error));
      assert.match(
        error.message,
        /monthly post cap of this app's project is used up \(UsageCapExceeded: Usage cap exceeded: Monthly product cap\)/,
      );
      assert.match(error.message, /until it resets at the start of the next monthly billing period/);
      return true;
    });
    assert.equal(fake.count('users/by') - before, 1, 'one request, not a loop');
  });

  it('waits for the reset a 429 gives, even when its headers show quota left, once per 429', async () => {
    const before = fake.count('users');
    fake.inject('users', { kind: '429-quota-left', resetInMs: 600 }, 2);
    const events = { waits: [] as number[], retries: [] as number[] };
    const started = Date.now();
    const page = await client(events).get('users', { ids: '1' });
    assert.ok(page.body['data'] !== undefined || page.body['errors'] !== undefined);
    assert.equal(fake.count('users') - before, 3, 'two 429s, then the answer');
    assert.equal(events.waits.length, 2, 'a wait for each reset');
    assert.ok(Date.now() - started >= 400, 'it really waited');
  });

  it('backs off exponentially from a 429 without rate-limit headers', async () => {
    const before = fake.count('users');
    fake.inject('users', { kind: '429-bare' }, 3);
    const events = { waits: [] as number[], retries: [] as number[] };
    await client(events).get('users', { ids: '1' });
    assert.equal(fake.count('users') - before, 4);
    assert.deepEqual(events.retries, [120, 240, 480], '60 s, 120 s, 240 s, scaled down for the test');
  });
});
