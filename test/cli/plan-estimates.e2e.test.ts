/*
 * The plan's cost estimate, as a user sees it: in dollars at X's pay-per-use prices, for each
 * collection the plan adds or changes its first harvest and a month, with how each was made (X's
 * recent counts for searches and streams, asked at most once a day; the accounts' post counts that
 * `users add` kept for timelines); the month's total against the budget, which apply enforces; a
 * note, never a failure or a zero, without credentials. And `status` showing this month's use of
 * the cap.
 */

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CostEstimate } from '../../reconciler/estimate/cost.js';
import { userObject } from '../../simulator/x-api/objects.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const FLOODS = 'id: floods\ntype: search\nquery: flood OR flooding\nschedule: rate(1 day)\n';
const LIVE = 'id: climate-live\ntype: filter\nrules:\n  - value: "#climate lang:en"\n  - value: heatwave\n';
const PEOPLE = "id: people\ntype: user_timeline\nschedule: rate(1 day)\nusers:\n  '1000000':\n    screen_name: user_0\n";

let fake: FakeXApi;
before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 1000, tweetsPerUser: () => 0 },
    usage: { postsPerDay: (query) => (query.includes('flood') ? 3000 : 100), projectUsage: 43_435, projectCap: 1_000_000, capResetDay: 10 },
  }).start();
});
after(async () => {
  await fake.stop();
});

function project(files: Record<string, string>, settings = 'target: local\n'): string {
  return tempProject({
    'twarc-cloud.yaml': settings,
    ...Object.fromEntries(Object.entries(files).map(([k, v]) => [`collections/${k}`, v])),
  });
}

const countsRequests = (since: number): string[] =>
  fake.requests
    .slice(since)
    .filter((r) => r.endpoint === 'tweets/counts/recent')
    .map((r) => new URL(r.url, 'http://x').searchParams.get('query') ?? '')
    .sort();

describe('the cost estimate in a plan', { timeout: 120_000 }, () => {
  it('prices a new search and a new stream from a week of counts: the first harvest, a month, and the total', async () => {
    const root = project({ 'floods.yaml': FLOODS, 'climate-live.yaml': LIVE });
    const before = fake.requests.length;
    const planned = await runCliAsync(['plan'], { cwd: root, env: fakeApiEnv(root, fake.baseUrl, SECRET_BEARER) });
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    // 3,000 a day for 7 days: the first harvest reads the week (21,000 x $0.005), a month is 21,000 x 30.44 / 7.
    assert.match(planned.stdout, /\* floods\s+\$105\.00 \(21,000 posts\)\s+\$456\.60 \(91,320 posts\)\s+\(new or changed\)/);
    // The filter's two rules OR-ed into one count: 700 a week; a stream has no first harvest.
    assert.match(planned.stdout, /\* climate-live\s+\$0\.00 \(0 posts\)\s+\$15\.22 \(3,044 posts\)/);
    assert.match(planned.stdout, /a stream has no first harvest: it starts now/);
    // $105 + $456.60 + $15.22, and the two counts requests the estimate made ($0.005 each).
    assert.match(
      planned.stdout,
      /this month ~\$576\.83 \(first harvests \$105\.00, a month of every active collection \$471\.82, this estimate's 2 counts requests \$0\.01\)/,
    );
    assert.match(planned.stdout, /posts this month ~115,364 of the 2,000,000 cap \(5\.8 %\)/);
    assert.doesNotMatch(planned.stdout, /Warning|Over budget/);
    assert.deepEqual(countsRequests(before), ['(#climate lang:en) OR (heatwave)', 'flood OR flooding']);

    const again = fake.requests.length;
    const json = await runCliAsync(['plan', '--format', 'json'], { cwd: root, env: fakeApiEnv(root, fake.baseUrl, SECRET_BEARER) });
    assert.deepEqual(
      countsRequests(again),
      [],
      'a query is counted (and paid for) at most once a UTC day: the count is kept in the archive',
    );
    const cost = (JSON.parse(json.stdout) as { cost: { thisMonthUsd: number; estimate: { countsRequests: number } } }).cost;
    assert.equal(cost.estimate.countsRequests, 0);
    assert.equal(cost.thisMonthUsd, 576.82, 'the same figures from the kept counts, without paying for them again');
  });

  it('asks the X API given with --api-base-url for its counts, as every command that talks to X does', async () => {
    const root = project({ 'floods.yaml': FLOODS });
    const env = { ...fakeApiEnv(root, fake.baseUrl, SECRET_BEARER), TWARC_CLOUD_API_BASE_URL: 'http://127.0.0.1:9/2/' };
    const before = fake.requests.length;
    const planned = await runCliAsync(['plan', '--api-base-url', fake.baseUrl], { cwd: root, env });
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.deepEqual(countsRequests(before), ['flood OR flooding'], 'the flag wins over the environment');
  });

  it("prices a full-archive search's first harvest back to its start_time from X's full-archive counts, paying for each page", async () => {
    const start = new Date(Date.now() - 100 * 86_400_000).toISOString().slice(0, 10);
    const root = project({
      'history.yaml': `id: history\ntype: search\nquery: flood history\narchive: true\nstart_time: ${start}T00:00:00Z\nschedule: rate(1 day)\n`,
    });
    const before = fake.requests.length;
    const planned = await runCliAsync(['plan', '--format', 'json'], { cwd: root, env: fakeApiEnv(root, fake.baseUrl, SECRET_BEARER) });
    assert.equal(planned.status, 2, planned.stderr);
    const pages = fake.requests.slice(before).filter((r) => r.endpoint === 'tweets/counts/all').length;
    assert.equal(pages, 4, '100 days and a part, 31 days a page');
    const cost = (JSON.parse(planned.stdout) as { cost: CostEstimate }).cost;
    const history = cost.collections[0];
    // 3,000 posts a day since start_time (the fake's rate for a flood query), at $0.005 each.
    const days = (Date.now() - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
    assert.ok(Math.abs((history?.first?.posts ?? 0) - days * 3000) <= 3000, `${history?.first?.posts} posts for ${days.toFixed(1)} days`);
    assert.match(history?.first?.how ?? '', /full-archive counts back to its start_time/);
    // One recent count ($0.005) and four pages of full-archive counts ($0.010 each).
    assert.deepEqual([cost.estimate.countsRequests, cost.estimate.usd], [5, 0.045]);
  });

  it('buys no full-archive count that would take more requests than a plan makes, and says so', async () => {
    const root = project({
      'since-2010.yaml':
        'id: since-2010\ntype: search\nquery: flood\narchive: true\nstart_time: 2010-01-01T00:00:00Z\nschedule: rate(1 day)\n',
    });
    const before = fake.requests.length;
    const planned = await runCliAsync(['plan'], { cwd: root, env: fakeApiEnv(root, fake.baseUrl, SECRET_BEARER) });
    assert.equal(planned.status, 2, planned.stderr);
    assert.equal(fake.requests.slice(before).filter((r) => r.endpoint === 'tweets/counts/all').length, 0, 'not one page bought');
    // About 17 years at 31 days a request.
    assert.match(
      planned.stdout,
      /a first harvest back to its start_time: not counted: it takes \d{3} counts requests, and a plan makes at most 50/,
    );
  });

  it('warns in the text and the pull-request comment when the month passes the Post cap', async () => {
    const root = project({ 'floods.yaml': FLOODS }, 'x_api:\n  access_level: basic\n');
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const text = await runCliAsync(['plan'], { cwd: root, env });
    assert.equal(text.status, 2, 'a warning, not a failure');
    assert.match(text.stdout, /Warning: the collections would read about 112,320 posts this month, over the basic cap of 10,000/);
    const markdown = await runCliAsync(['plan', '--format', 'markdown'], { cwd: root, env });
    assert.match(markdown.stdout, /> \[!WARNING\]\n> Warning: the collections would read about 112,320 posts this month/);
    assert.match(markdown.stdout, /\| `floods` \*\*new or changed\*\* \| \$105\.00 \(21,000 posts\) \| \$456\.60 \(91,320 posts\) \|/);
  });

  it('says "not estimated" with the reason, never a zero and never a failure, where there are no credentials', async () => {
    const root = project({ 'floods.yaml': FLOODS });
    const planned = await runCliAsync(['plan'], {
      cwd: root,
      env: { HOME: root, TWARC_CLOUD_API_BASE_URL: fake.baseUrl, CI: '', GITHUB_ACTOR: '' },
    });
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.match(
      planned.stdout,
      /\* floods\s+not estimated\s+not estimated\s+\(new or changed; not counted: no X API credentials for profile "default" here\)/,
    );
    assert.match(planned.stdout, /this month: not estimated \(no collection could be; see why above\)/);
    assert.doesNotMatch(planned.stdout, /~\$0\.00|\$0\.00 \(/, 'no zero standing in for what could not be counted');
  });

  it('asks X nothing for a timeline: it is priced from the collection file', async () => {
    const root = project({ 'people.yaml': PEOPLE });
    const before = fake.requests.length;
    const planned = await runCliAsync(['plan'], { cwd: root, env: fakeApiEnv(root, fake.baseUrl, SECRET_BEARER) });
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    // user_0 was written by hand, never looked up: priced at the 3,200 posts a timeline can give.
    assert.match(planned.stdout, /\* people\s+\$16\.01 \(3,200 posts, 1 user\)\s+not estimated/);
    assert.match(planned.stdout, /1 of 1 accounts with no posting rate yet \(never looked up\): no monthly figure/);
    assert.equal(fake.requests.length, before, 'no request at all');
  });

  it('prices a 1,000-account timeline in the pull-request comment from what users add learned, and apply refuses it over the budget', async () => {
    const root = project(
      { 'scientists.yaml': 'id: scientists\ntype: user_timeline\nstate: suspended\nschedule: rate(1 hour)\nusers: {}\n' },
      'target: local\nx_api:\n  access_level: pay_per_use\n  monthly_budget_usd: 50\n',
    );
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const valid = await runCliAsync(['validate'], { cwd: root, env });
    assert.equal(valid.status, 0, `x_api: { access_level: pay_per_use, monthly_budget_usd: 50 } validates\n${valid.stdout}${valid.stderr}`);
    writeFileSync(join(root, 'ids.txt'), fake.corpus.users.map((u) => u.id).join('\n'));
    const added = await runCliAsync(['users', 'add', 'scientists', '--ids-file', 'ids.txt', '--activate'], { cwd: root, env });
    assert.equal(added.status, 0, added.stdout + added.stderr);
    assert.equal(readFileSync(join(root, 'collections', 'scientists.yaml'), 'utf8').match(/looked_up: \{ on: /g)?.length, 1000);

    const expected = { posts: 0, perDay: 0 };
    for (const user of fake.corpus.users) {
      const count = (userObject(user)['public_metrics'] as { tweet_count: number }).tweet_count;
      expected.posts += Math.min(count, 3200);
    }
    const firstUsd = (expected.posts * 0.005 + 1000 * 0.01).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

    const before = fake.requests.length;
    const markdown = await runCliAsync(['plan', '--format', 'markdown'], {
      cwd: root,
      env: { ...env, TWARC_CLOUD_DEFAULT_BEARER_TOKEN: '' },
    });
    assert.equal(markdown.status, 2, markdown.stdout + markdown.stderr);
    assert.equal(fake.requests.length, before, 'priced from the file: no look-up paid for again, no credentials needed');
    const row = markdown.stdout.split('\n').find((line) => line.startsWith('| `scientists`'));
    assert.ok(row, markdown.stdout);
    assert.ok(row.includes(`$${firstUsd} (${expected.posts.toLocaleString('en')} posts)`), `first harvest from tweet_count: ${row}`);
    assert.match(row, /\| \$[\d,]+\.\d\d \([\d,]+ posts\) \| first: each new account's newest min\(tweet_count, 3,200\) posts/);
    assert.match(
      row,
      /month: what the accounts post a day \(their lifetime average\) x 30\.44, and 30\.4 look-ups of each account \(730\.6 harvests a month\)/,
    );
    assert.match(markdown.stdout, /budget \$50\.00: OVER BUDGET/);
    assert.match(
      markdown.stdout,
      /> \[!WARNING\]\n> Over budget: this month would cost about \$[\d,.]+, over x_api\.monthly_budget_usd of \$50\.00; apply refuses/,
    );

    const refused = await runCliAsync(['apply', '--yes', '--no-initial-run'], { cwd: root, env });
    assert.equal(refused.status, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /apply refused: the cost estimate is over x_api\.monthly_budget_usd/);
    assert.match(refused.stderr, /pass --allow-over-budget to apply it anyway/);
    const unchanged = await runCliAsync(['plan', '--no-estimate'], { cwd: root, env });
    assert.equal(unchanged.status, 2, 'nothing was applied');

    const allowed = await runCliAsync(['apply', '--yes', '--no-initial-run', '--allow-over-budget'], { cwd: root, env });
    assert.equal(allowed.status, 0, allowed.stdout + allowed.stderr);
    assert.equal((await runCliAsync(['plan', '--no-estimate'], { cwd: root, env })).status, 0);
  });

  it('status shows how much of the monthly cap is used', async () => {
    const root = project({ 'people.yaml': PEOPLE });
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const applied = await runCliAsync(['apply', '--yes'], { cwd: root, env });
    assert.equal(applied.status, 0, applied.stdout + applied.stderr);
    const status = await runCliAsync(['status'], { cwd: root, env });
    assert.equal(status.status, 0, status.stdout + status.stderr);
    assert.match(
      status.stdout,
      /X API use this month: 43,435 of 1,000,000 Posts \(4\.3 %\); the count starts again on day 10 of the month/,
    );
    const without = await runCliAsync(['status'], { cwd: root, env: { HOME: root, CI: '', GITHUB_ACTOR: '' } });
    assert.equal(without.status, 0);
    assert.match(without.stdout, /X API use this month: not known \(no credentials for profile "default" here\)/);
  });
});
