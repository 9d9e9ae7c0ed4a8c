/*
 * The strict fake's endpoints of the collection kinds beyond timelines and searches (mentions,
 * tweet lookup, the conversation_id: operator), rule by rule on the wire, as strict-rules.e2e.test.ts
 * specifies the others.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { assertInvalidRequest, BEARER, call, withFake } from './wire-check.js';

describe('the strict fake X API, for the kinds of collection', { timeout: 60_000 }, () => {
  let fake: FakeXApi;
  before(async () => {
    fake = await new FakeXApi({ bearerTokens: [BEARER], corpus: { users: 6, tweetsPerUser: () => 40, searchTweets: 120 } }).start();
  });
  after(async () => {
    await fake.stop();
  });
  describe('the mention timeline', () => {
    it('takes the timeline parameters but exclude, as X describes usersIdMentions', async () => {
      assertInvalidRequest(
        await call(fake, 'users/1000000/mentions', { exclude: 'replies' }),
        /^The query parameter \[exclude\] is not one of \[since_id,until_id,max_results,pagination_token,start_time,end_time,expansions,/,
      );
    });

    it('serves the posts that mention the account, newest first, and no further back than its 800 newest', async () => {
      await withFake({ corpus: { users: 2, tweetsPerUser: () => 5000 } }, async (busy) => {
        const ids: string[] = [];
        let token: string | undefined;
        do {
          const answer = await call(busy, 'users/1000000/mentions', {
            max_results: '100',
            'tweet.fields': 'entities',
            ...(token !== undefined ? { pagination_token: token } : {}),
          });
          assert.equal(answer.status, 200);
          const data = (answer.body['data'] ?? []) as Array<{ id: string; entities?: { mentions?: Array<{ id: string }> } }>;
          for (const post of data)
            assert.ok(
              post.entities?.mentions?.some((m) => m.id === '1000000'),
              `${post.id} mentions the account`,
            );
          ids.push(...data.map((post) => post.id));
          token = (answer.body['meta'] as { next_token?: string }).next_token;
        } while (token !== undefined);
        assert.ok(busy.corpus.mentionsOf('1000000').length > 800, 'the account has more mentions than the timeline reaches');
        assert.equal(ids.length, 800);
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1)),
          'newest first',
        );
      });
    });
  });

  describe('the tweet lookup', () => {
    it('takes 1 to 100 ids, and answers the ids it will not serve in errors, with status 200, as X does', async () => {
      assertInvalidRequest(
        await call(fake, 'tweets', { ids: Array.from({ length: 101 }, (_, n) => String(1000 + n)).join(',') }),
        /^The number of values in the `ids` query parameter list \[101\] is not between 1 and 100$/,
      );
      assertInvalidRequest(
        await call(fake, 'tweets', { ids: '1', since_id: '1' }),
        /^The query parameter \[since_id\] is not one of \[ids,/,
      );
      const known = fake.corpus.timeline('1000000')[0]?.id ?? '';
      const answer = await call(fake, 'tweets', { ids: `${known},1000` });
      assert.equal(answer.status, 200);
      assert.deepEqual(
        (answer.body['data'] as Array<{ id: string }>).map((t) => t.id),
        [known],
      );
      assert.deepEqual(answer.body['errors'], [
        {
          value: '1000',
          detail: 'Could not find tweet with ids: [1000].',
          title: 'Not Found Error',
          resource_type: 'tweet',
          parameter: 'ids',
          type: 'https://api.twitter.com/2/problems/resource-not-found',
        },
      ]);
    });
  });

  describe('the conversation_id operator', () => {
    it("finds a thread's posts, its first included, and nothing else; its first post's id is every reply's conversation_id", async () => {
      await withFake({ corpus: { users: 3, tweetsPerUser: () => 20, searchTweets: 30 } }, async (threads) => {
        const first = threads.corpus.searchable.find((t) => t.json['conversation_id'] === t.id);
        assert.ok(first);
        const replies = threads.corpus.addReplies(first.id, 4);
        const answer = await call(threads, 'tweets/search/recent', {
          query: `conversation_id:${first.id}`,
          max_results: '100',
          'tweet.fields': 'conversation_id',
        });
        const data = answer.body['data'] as Array<{ id: string; conversation_id: string }>;
        const found = data.map((t) => t.id);
        for (const id of [first.id, ...replies.map((r) => r.id)]) assert.ok(found.includes(id), `${id} is in the thread`);
        assert.deepEqual(
          found,
          threads.corpus.inConversations([first.id]).map((t) => t.id),
          'newest first, nothing else',
        );
        assert.ok(data.every((t) => t.conversation_id === first.id));
        const other = await call(threads, 'tweets/search/recent', { query: 'climate', max_results: '100' });
        assert.equal((other.body['data'] as unknown[]).length, 30, 'any other query matches the searchable corpus');
      });
    });
  });
});
