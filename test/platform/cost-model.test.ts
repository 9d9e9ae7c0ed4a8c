/*
 * The one cost model: reads in, dollars out, by X's pay-per-use rules (per resource read, counts
 * per request, a resource read twice in a UTC day charged once, `includes` apart as possibly billed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addReads, billingMonth, costOf, DailyReads, firstTimelinePosts, formatUsd, NO_READS } from '../../platform/billing/cost-model.js';
import { DEFAULT_PRICES } from '../../platform/billing/prices.js';

describe('the cost model', () => {
  it('prices posts and users per resource and counts per request, at X’s published prices by default', () => {
    const reads = addReads(NO_READS, { posts: 3200, users: 1, counts_recent_requests: 2, counts_all_requests: 1 });
    // 3,200 x $0.005 + 1 x $0.010 + 2 x $0.005 + 1 x $0.010
    assert.deepEqual(costOf(reads, DEFAULT_PRICES), { usd: 16.03, possibly_usd: 0 });
  });

  it('keeps what includes bring apart, as possibly billed, never in the certain figure', () => {
    const reads = addReads(NO_READS, { posts: 100, possibly_posts: 40, possibly_users: 60 });
    assert.deepEqual(costOf(reads, DEFAULT_PRICES), { usd: 0.5, possibly_usd: 0.8 });
  });

  it('takes the prices it is given: X says they change', () => {
    assert.equal(costOf(addReads(NO_READS, { posts: 1000 }), { ...DEFAULT_PRICES, post_read: 0.004 }).usd, 4);
  });

  it('sums many small reads without drifting', () => {
    let reads = NO_READS;
    for (let i = 0; i < 10_000; i += 1) reads = addReads(reads, { posts: 1 });
    assert.equal(costOf(reads, DEFAULT_PRICES).usd, 50);
  });

  it('charges a resource read twice in one UTC day once, and again the next day', () => {
    const daily = new DailyReads();
    const morning = new Date('2026-12-07T00:10:00Z');
    assert.equal(daily.firstToday('post', '1', morning), true);
    assert.equal(daily.firstToday('post', '1', new Date('2026-12-07T23:59:59Z')), false);
    assert.equal(daily.firstToday('user', '1', morning), true, 'a user and a post with the same id are different resources');
    assert.equal(daily.firstToday('post', '1', new Date('2026-12-08T00:00:00Z')), true);
  });

  it('counts a read as new past the ids it can remember: it may overstate a cost, never hide one', () => {
    const daily = new DailyReads(2);
    const at = new Date('2026-12-07T12:00:00Z');
    for (const id of ['1', '2', '3']) assert.equal(daily.firstToday('post', id, at), true);
    assert.equal(daily.firstToday('post', '3', at), true, 'the third was not remembered');
    assert.equal(daily.firstToday('post', '1', at), false);
  });

  it('reads a first timeline harvest as the newest 3,200 posts at most', () => {
    assert.equal(firstTimelinePosts(12), 12);
    assert.equal(firstTimelinePosts(90_000), 3200);
  });

  it('formats cents, and the fraction of a cent one read costs', () => {
    assert.equal(formatUsd(16010), '$16,010.00');
    assert.equal(formatUsd(0.005), '$0.005');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(billingMonth(new Date('2026-12-31T23:59:59Z')), '2026-12');
  });
});
