/*
 * The fake X API refuses and answers as X does, rule by rule, so that a client the fake accepts is
 * one X accepts. Each rule is checked on the wire, with plain HTTP requests; where X's messages are
 * captured (DocNow/twarc#504, public error reports), the fake's are the same text.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codePoints } from '../../simulator/x-api/text.js';
import { FakeXApi, type Scenario } from '../../simulator/x-api/server.js';
import { assertInvalidRequest, BEARER, call, withFake, type Answer } from './wire-check.js';

const DAY = 24 * 3_600_000;

describe('the strict fake X API', { timeout: 60_000 }, () => {
  let fake: FakeXApi;
  before(async () => {
    fake = await new FakeXApi({ bearerTokens: [BEARER], corpus: { users: 6, tweetsPerUser: () => 40, searchTweets: 120 } }).start();
  });
  after(async () => {
    await fake.stop();
  });

  describe('fields and expansions', () => {
    it('refuses a field name X does not have, listing the ones it has', async () => {
      const answer = await call(fake, 'tweets/search/recent', { query: 'climate', 'tweet.fields': 'created_at,favourites' });
      assertInvalidRequest(
        answer,
        /^The `tweet.fields` query parameter value \[favourites\] is not one of \[article,attachments,author_id,/,
      );
      assert.deepEqual((answer.body['errors'] as Array<{ parameters: unknown }>)[0]?.parameters, { 'tweet.fields': ['favourites'] });
    });

    it('refuses an expansion of another resource: pinned_tweet_id on tweets, author_id on users', async () => {
      assertInvalidRequest(
        await call(fake, 'tweets/search/recent', { query: 'climate', expansions: 'pinned_tweet_id' }),
        /^The `expansions` query parameter value \[pinned_tweet_id\] is not one of \[article.cover_media,/,
      );
      assertInvalidRequest(
        await call(fake, 'users', { ids: '1000000', expansions: 'author_id' }),
        /^The `expansions` query parameter value \[author_id\] is not one of \[affiliation.user_id,most_recent_tweet_id,pinned_tweet_id\]$/,
      );
    });

    it('refuses a query parameter the endpoint does not take', async () => {
      assertInvalidRequest(
        await call(fake, 'users', { ids: '1000000', since_id: '1' }),
        /^The query parameter \[since_id\] is not one of \[ids,expansions,tweet.fields,user.fields\]$/,
      );
    });

    it('returns only the default fields and those asked for, and includes only for the expansions asked for', async () => {
      const bare = await call(fake, 'tweets/search/recent', { query: 'climate', 'tweet.fields': 'created_at' });
      assert.equal(bare.status, 200);
      const tweets = bare.body['data'] as Array<Record<string, unknown>>;
      assert.ok(tweets.length > 0);
      for (const tweet of tweets) assert.deepEqual(Object.keys(tweet).sort(), ['created_at', 'edit_history_tweet_ids', 'id', 'text']);
      assert.equal(bare.body['includes'], undefined, 'no expansion asked for, no includes');

      const authors = await call(fake, 'tweets/search/recent', { query: 'climate', expansions: 'author_id' });
      const includes = authors.body['includes'] as Record<string, Array<Record<string, unknown>>>;
      assert.deepEqual(Object.keys(includes), ['users']);
      for (const user of includes['users'] ?? []) assert.deepEqual(Object.keys(user).sort(), ['id', 'name', 'username']);
    });
  });

  describe('page sizes', () => {
    const cases: Array<[string, Record<string, string>, number, number]> = [
      ['users/1000000/tweets', {}, 5, 100],
      ['users/1000000/mentions', {}, 5, 100],
      ['tweets/1500000000000000000/quote_tweets', {}, 10, 100],
      ['lists/1600000000000000001/tweets', {}, 1, 100],
      ['lists/1600000000000000001/members', {}, 1, 100],
      ['tweets/search/recent', { query: 'climate' }, 10, 100],
    ];
    for (const [path, query, min, max] of cases) {
      it(`${path} takes max_results from ${min} to ${max}`, async () => {
        assert.equal((await call(fake, path, { ...query, max_results: String(min) })).status, 200);
        assert.equal((await call(fake, path, { ...query, max_results: String(max) })).status, 200);
        for (const wrong of [min - 1, max + 1])
          assertInvalidRequest(
            await call(fake, path, { ...query, max_results: String(wrong) }),
            new RegExp(`^The \`max_results\` query parameter value \\[${wrong}\\] is not between ${min} and ${max}$`),
          );
      });
    }

    it('full-archive pages hold 500, but only 100 with context annotations (the message X sends)', async () => {
      await withFake({ corpus: { users: 3, tweetsPerUser: () => 0, searchTweets: 20 } }, async (archive) => {
        assert.equal((await call(archive, 'tweets/search/all', { query: 'climate', max_results: '500' })).status, 200);
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const annotated = await call(archive, 'tweets/search/all', {
          query: 'climate',
          max_results: '101',
          'tweet.fields': 'context_annotations',
        });
        assertInvalidRequest(
          annotated,
          /^when requesting `tweet.fields=context_annotations` `max_results` must be less than or equal to `100`$/,
        );
      });
    });
  });

  describe('ids and times', () => {
    it('refuses a malformed since_id instead of ignoring it', async () => {
      assertInvalidRequest(
        await call(fake, 'tweets/search/recent', { query: 'climate', since_id: '12ab' }),
        /^The `since_id` query parameter value \[12ab\] does not match \^\[0-9\]\{1,19\}\$$/,
      );
    });

    it('refuses ids and times together in a search (the message X sends)', async () => {
      const answer = await call(fake, 'tweets/search/recent', { query: 'climate', since_id: '1', end_time: new Date().toISOString() });
      assertInvalidRequest(answer, /^Invalid use of 'since_id' or 'until_id' in conjunction with 'start_time' or 'end_time'\.$/);
    });

    it('refuses a sort_order that is neither recency nor relevancy', async () => {
      assertInvalidRequest(
        await call(fake, 'tweets/search/recent', { query: 'climate', sort_order: 'newest' }),
        /^The `sort_order` query parameter value \[newest\] is not one of \[recency,relevancy\]$/,
      );
    });
  });

  describe("recent search's 7 days", () => {
    const now = Date.now();
    const scenario: Scenario = {
      corpus: { users: 3, tweetsPerUser: () => 0, searchTweets: 200, startTime: now - 12 * DAY, spacingMs: 3 * 3_600_000 },
      now: () => now,
    };

    it('serves only tweets from the last 7 days and none from after its now', async () => {
      await withFake(scenario, async (window) => {
        const all = window.corpus.searchable;
        const expected = all.filter((t) => t.createdAt >= now - 7 * DAY && t.createdAt < now).length;
        assert.ok(expected > 0 && expected < all.length, 'the corpus spans the window');
        let served = 0;
        let token: string | undefined;
        do {
          const page = await call(window, 'tweets/search/recent', {
            query: 'climate',
            max_results: '100',
            ...(token ? { next_token: token } : {}),
          });
          served += ((page.body['data'] ?? []) as unknown[]).length;
          token = (page.body['meta'] as { next_token?: string }).next_token;
        } while (token !== undefined);
        assert.equal(served, expected);
      });
    });

    it('refuses a start_time or since_id before the 7 days (the messages X sends)', async () => {
      await withFake(scenario, async (window) => {
        const old = window.corpus.searchable[0];
        assert.ok(old && old.createdAt < now - 7 * DAY);
        assertInvalidRequest(
          await call(window, 'tweets/search/recent', { query: 'climate', start_time: new Date(now - 8 * DAY).toISOString() }),
          /^Invalid '[^']+':'\d{4}-\d\d-\d\dT\d\d:\d\dZ'\. 'start_time' must be on or after \d{4}-\d\d-\d\dT\d\d:\d\dZ$/,
        );
        assertInvalidRequest(
          await call(window, 'tweets/search/recent', { query: 'climate', since_id: old.id }),
          /^'since_id' must be a tweet id created after \d{4}-\d\d-\d\dT\d\d:\d\dZ\. Please use a 'since_id' that is larger than \d+$/,
        );
        assert.equal(
          (await call(window, 'tweets/search/all', { query: 'climate', since_id: old.id })).status,
          200,
          'full-archive has no such window',
        );
      });
    });

    it('keeps to start_time and end_time', async () => {
      await withFake(scenario, async (window) => {
        const from = now - 3 * DAY;
        const to = now - DAY;
        const page = await call(window, 'tweets/search/recent', {
          query: 'climate',
          max_results: '100',
          start_time: new Date(from).toISOString(),
          end_time: new Date(to).toISOString(),
        });
        const ids = ((page.body['data'] ?? []) as Array<{ id: string }>).map((t) => t.id);
        const expected = window.corpus.searchable.filter((t) => t.createdAt >= from && t.createdAt < to).map((t) => t.id);
        assert.ok(expected.length > 0);
        assert.deepEqual(ids.sort(), expected.sort());
      });
    });
  });

  describe('limits', () => {
    it('takes one full-archive request a second; a faster one is a 429 that reports that second', async () => {
      await withFake({ corpus: { users: 2, tweetsPerUser: () => 0, searchTweets: 5 } }, async (archive) => {
        assert.equal((await call(archive, 'tweets/search/all', { query: 'climate' })).status, 200);
        const second = await call(archive, 'tweets/search/all', { query: 'climate' });
        assert.equal(second.status, 429);
        assert.equal(second.headers.get('x-rate-limit-limit'), '1');
        assert.ok(
          Number(second.headers.get('x-rate-limit-reset')) * 1000 <= Date.now() + 2000,
          'the window of one second, not of 15 minutes',
        );
        await new Promise((resolve) => setTimeout(resolve, 1100));
        assert.equal((await call(archive, 'tweets/search/all', { query: 'climate' })).status, 200);
      });
    });

    const lengths: Array<[NonNullable<Scenario['accessLevel']>, string, number]> = [
      ['pay_per_use', 'tweets/search/recent', 512],
      ['pay_per_use', 'tweets/counts/all', 1024],
      ['basic', 'tweets/search/recent', 512],
      ['pro', 'tweets/search/all', 1024],
      ['enterprise', 'tweets/search/recent', 4096],
    ];
    for (const [accessLevel, path, longest] of lengths) {
      it(`${accessLevel}: ${path} takes queries up to ${longest} characters`, async () => {
        await withFake({ accessLevel, corpus: { users: 2, tweetsPerUser: () => 0, searchTweets: 3 } }, async (level) => {
          const query = (n: number): string => `🌍${'a'.repeat(n - 1)}`;
          assert.equal((await call(level, path, { query: query(longest) })).status, 200, 'an emoji counts as one character');
          await new Promise((resolve) => setTimeout(resolve, 1100));
          assertInvalidRequest(await call(level, path, { query: query(longest + 1) }), /Query is too long/);
        });
      });
    }

    it('holds rules up to the access level length and count (pay-per-use, the default: 1,024 characters, 1,000 rules)', async () => {
      await withFake({}, async (pro) => {
        const post = (add: Array<{ value: string }>): Promise<Answer> =>
          call(pro, 'tweets/search/stream/rules', {}, { method: 'POST', body: JSON.stringify({ add }) });
        const tooLong = await post([{ value: 'x'.repeat(1025) }]);
        assert.equal(tooLong.status, 400);
        assert.equal((tooLong.body['errors'] as Array<{ type: string }>)[0]?.type, 'https://api.twitter.com/2/problems/invalid-rules');
        assert.equal((await post([{ value: 'x'.repeat(1024) }])).status, 201);
        const many = Array.from({ length: 999 }, (_, i) => ({ value: `rule${i}` }));
        assert.equal((await post(many)).status, 201);
        const over = await post([{ value: 'one too many' }]);
        assert.equal(over.status, 400);
        assert.equal(over.body['type'], 'https://api.twitter.com/2/problems/rule-cap');
      });
    });

    it('sends 429s without rate-limit headers, and the usage-cap 429 with quota left in its headers', async () => {
      fake.inject('users', { kind: '429-bare' });
      const bare = await call(fake, 'users', { ids: '1000000' });
      assert.equal(bare.status, 429);
      assert.equal(bare.headers.get('x-rate-limit-remaining'), null);
      fake.inject('users', { kind: 'usage-cap' });
      const capped = await call(fake, 'users', { ids: '1000000' });
      assert.equal(capped.status, 429);
      assert.equal(capped.body['type'], 'https://api.twitter.com/2/problems/usage-capped');
      assert.ok(Number(capped.headers.get('x-rate-limit-remaining')) > 0);
    });
  });

  describe('pages and text', () => {
    it('can answer an empty page that still carries a next_token, with the results after it', async () => {
      await withFake({ corpus: { users: 2, tweetsPerUser: () => 0, searchTweets: 30 }, searchEmptyPages: true }, async (sparse) => {
        const first = await call(sparse, 'tweets/search/recent', { query: 'climate', max_results: '10' });
        const token = (first.body['meta'] as { next_token: string }).next_token;
        const empty = await call(sparse, 'tweets/search/recent', { query: 'climate', max_results: '10', next_token: token });
        assert.equal(empty.body['data'], undefined);
        const next = (empty.body['meta'] as { result_count: number; next_token?: string }).next_token;
        assert.ok(next !== undefined, 'the empty page carries a next_token');
        const after = await call(sparse, 'tweets/search/recent', { query: 'climate', max_results: '10', next_token: next });
        assert.equal((after.body['data'] as unknown[]).length, 10);
      });
    });

    it('serves text with emoji, line breaks, quotes and right-to-left scripts, with entity offsets in code points', async () => {
      const page = await call(fake, 'tweets/search/recent', { query: 'climate', max_results: '100', 'tweet.fields': 'entities' });
      const tweets = page.body['data'] as Array<{ text: string; entities: { hashtags: Array<{ start: number; end: number }> } }>;
      const texts = tweets.map((t) => t.text).join('\n');
      for (const [what, pattern] of [
        ['emoji', /\p{Extended_Pictographic}/u],
        ['line breaks', /\r\n|\nsecond/],
        ['quotes', /"Quoted,"/],
        ['right-to-left text', /[\u0590-\u06ff]/],
      ] as const)
        assert.match(texts, pattern, `some tweet carries ${what}`);
      for (const tweet of tweets) {
        const hashtag = tweet.entities.hashtags[0];
        assert.ok(hashtag);
        const before = tweet.text.slice(0, tweet.text.indexOf('#climate'));
        assert.equal(hashtag.start, codePoints(before));
      }
    });
  });

  it('counts recent Posts in buckets of the granularity asked for, over the last 7 days, with their sum in meta', async () => {
    const now = Date.parse('2026-12-02T10:30:00Z');
    await withFake({ now: () => now, usage: { postsPerDay: (q) => (q === 'flood' ? 240 : 0) } }, async (counting) => {
      const daily = await call(counting, 'tweets/counts/recent', { query: 'flood', granularity: 'day' });
      assert.equal(daily.status, 200, JSON.stringify(daily.body));
      const buckets = daily.body['data'] as Array<{ start: string; end: string; tweet_count: number }>;
      assert.equal(buckets.length, 8, 'a partial day at each end and six whole ones');
      assert.equal(buckets[0]?.start, new Date(now - 7 * DAY).toISOString());
      assert.equal(buckets.at(-1)?.end, new Date(now).toISOString());
      const total = buckets.reduce((sum, b) => sum + b.tweet_count, 0);
      assert.deepEqual(daily.body['meta'], { total_tweet_count: total });
      assert.equal(total, 7 * 240);
      const hourly = await call(counting, 'tweets/counts/recent', { query: 'flood' });
      assert.equal((hourly.body['data'] as unknown[]).length, 7 * 24 + 1, 'hourly unless asked otherwise');
      assertInvalidRequest(await call(counting, 'tweets/counts/recent', { query: 'flood', granularity: 'week' }), /granularity/);
      assertInvalidRequest(await call(counting, 'tweets/counts/recent', { query: 'flood', max_results: '10' }), /max_results/);
    });
  });

  it('counts full-archive Posts over 30 days by default, back to start_time in pages of 31 days, each page naming the next', async () => {
    const now = Date.parse('2026-12-02T10:30:00Z');
    await withFake({ now: () => now, usage: { postsPerDay: (q) => (q === 'flood' ? 240 : 0) } }, async (counting) => {
      const recentDefault = await call(counting, 'tweets/counts/all', { query: 'flood', granularity: 'day' });
      assert.equal(recentDefault.status, 200, JSON.stringify(recentDefault.body));
      assert.deepEqual(recentDefault.body['meta'], { total_tweet_count: 30 * 240 }, 'the 30 days before end_time, on one page');
      const start = '2026-01-01T00:00:00Z';
      let total = 0;
      let pages = 0;
      let token: string | undefined;
      do {
        const page = await call(counting, 'tweets/counts/all', {
          query: 'flood',
          granularity: 'day',
          start_time: start,
          ...(token !== undefined ? { next_token: token } : {}),
        });
        assert.equal(page.status, 200, JSON.stringify(page.body));
        const buckets = page.body['data'] as unknown[];
        assert.ok(buckets.length <= 32, `a page holds 31 days (${buckets.length} buckets)`);
        const meta = page.body['meta'] as { total_tweet_count: number; next_token?: string };
        total += meta.total_tweet_count;
        token = meta.next_token;
        pages += 1;
      } while (token !== undefined);
      const days = (now - Date.parse(start)) / DAY;
      assert.equal(pages, Math.ceil(days / 31));
      assert.ok(Math.abs(total - days * 240) <= pages, `every day since start_time counted once (${total})`);
    });
  });

  it('holds one stream connection an app (pay-per-use): a second is refused with TooManyConnections', async () => {
    await withFake({ stream: { tweets: 1000, keepAliveMs: 100 } }, async (streaming) => {
      const first = await fetch(`${streaming.baseUrl}tweets/search/stream`, { headers: { authorization: `Bearer ${BEARER}` } });
      assert.equal(first.status, 200);
      try {
        const second = await call(streaming, 'tweets/search/stream', {});
        assert.equal(second.status, 429);
        assert.equal(second.body['connection_issue'], 'TooManyConnections');
      } finally {
        await first.body?.cancel();
      }
    });
  });

  it("reports the Project's use of its monthly cap with the numbers as strings, as X's example does", async () => {
    await withFake({ usage: { projectUsage: 43_435, projectCap: 1_000_000, capResetDay: 10 } }, async (counting) => {
      const usage = await call(counting, 'usage/tweets', {});
      assert.equal(usage.status, 200);
      assert.deepEqual(usage.body['data'], {
        cap_reset_day: 10,
        project_cap: '1000000',
        project_id: '1369785403853424',
        project_usage: '43435',
      });
    });
  });
});
