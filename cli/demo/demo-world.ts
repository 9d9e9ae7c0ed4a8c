/*
 * The world `twarc-cloud demo` harvests: the X API simulator (the one the tests run against) on a
 * loopback port, with a generated set of accounts, posts and a live stream, every object marked as
 * demo data. Its search endpoint has a small rate-limit window, so the demo shows a wait too.
 */

import { randomBytes } from 'node:crypto';
import { FakeXApi } from '../../simulator/x-api/server.js';

export interface DemoWorld {
  readonly api: FakeXApi;
  /** The app token the simulator accepts; it opens nothing anywhere else. */
  readonly bearerToken: string;
  /** Accounts of the simulated world, for the timeline collection. */
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly username: string }>;
}

/** Posts per second the simulated stream delivers. */
export const DEMO_STREAM_PER_SECOND = 10;

export async function startDemoWorld(): Promise<DemoWorld> {
  const bearerToken = `demo-${randomBytes(16).toString('hex')}`;
  const api = await new FakeXApi({
    bearerTokens: [bearerToken],
    corpus: { demo: true, seed: 2026, users: 8, tweetsPerUser: () => 40, searchTweets: 250 },
    stream: { tweets: Number.MAX_SAFE_INTEGER, perSecond: DEMO_STREAM_PER_SECOND, keepAliveMs: 20_000 },
    rateLimits: { 'tweets/search/recent': { limit: 2, windowMs: 8_000 } },
  }).start();
  const accounts = api.corpus.users.slice(0, 4).map((user) => ({ id: user.id, username: user.username }));
  return { api, bearerToken, accounts };
}
