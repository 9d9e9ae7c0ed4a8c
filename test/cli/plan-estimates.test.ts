/*
 * The plan's estimate of Posts a month, as a user sees it: X's recent counts (the fake's) for a new
 * search or filter collection, scaled to a month, next to the access level's cap and the other
 * collections' estimates; a warning over the cap; a note, never a failure, without credentials.
 * And `status` showing this month's use of the cap.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeXApi } from '../fakes/x-api/server.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const FLOODS = 'id: floods\ntype: search\nquery: flood OR flooding\nschedule: rate(1 day)\n';
const LIVE = 'id: climate-live\ntype: filter\nrules:\n  - value: "#climate lang:en"\n  - value: heatwave\n';
const PEOPLE = "id: people\ntype: user_timeline\nusers:\n  '1000000':\n    screen_name: user_0\n";

let fake: FakeXApi;
before(async () => {
  fake = await new FakeXApi({
    bearerTokens: [SECRET_BEARER],
    corpus: { users: 3 },
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

describe('the volume estimate in a plan', { timeout: 60_000 }, () => {
  it('shows a new search and a new filter collection, scaled from a week of counts to a month, against the cap', async () => {
    const root = project({ 'floods.yaml': FLOODS, 'climate-live.yaml': LIVE });
    const before = fake.requests.length;
    const planned = await runCliAsync(['plan'], { cwd: root, env: fakeApiEnv(root, fake.baseUrl, SECRET_BEARER) });
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    // 3,000 a day for 7 days, scaled by 30.44 / 7; the filter's two rules OR-ed into one count.
    assert.match(planned.stdout, /\* floods\s+~91,320 {2}\(new or changed\)/);
    assert.match(planned.stdout, /\* climate-live\s+~3,044 {2}\(new or changed\)/);
    assert.match(planned.stdout, /total\s+~94,364 {2}of 1,000,000 \(9\.4 %\)/);
    assert.doesNotMatch(planned.stdout, /Warning/);
    const counted = fake.requests.slice(before).filter((r) => r.endpoint === 'tweets/counts/recent');
    const queries = counted.map((r) => new URL(r.url, 'http://x').searchParams.get('query')).sort();
    assert.deepEqual(queries, ['(#climate lang:en) OR (heatwave)', 'flood OR flooding']);
  });

  it('warns in the text and the pull-request comment when the total is over the access level cap', async () => {
    const root = project({ 'floods.yaml': FLOODS }, 'x_api:\n  access_level: basic\n');
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const text = await runCliAsync(['plan'], { cwd: root, env });
    assert.equal(text.status, 2, 'a warning, not a failure');
    assert.match(
      text.stdout,
      /Warning: the search and filter collections would take about 91,320 Posts a month, over the basic cap of 10,000/,
    );
    const markdown = await runCliAsync(['plan', '--format', 'markdown'], { cwd: root, env });
    assert.match(markdown.stdout, /> \[!WARNING\]\n> Warning: the search and filter collections would take about 91,320/);
    assert.match(markdown.stdout, /\| `floods` \| 91,320 \| \*\*new or changed\*\* \|/);
  });

  it('is skipped with a note, never a failure, where there are no credentials (a pull request plan job)', async () => {
    const root = project({ 'floods.yaml': FLOODS });
    const planned = await runCliAsync(['plan'], {
      cwd: root,
      env: { HOME: root, TWARC_CLOUD_API_BASE_URL: fake.baseUrl, CI: '', GITHUB_ACTOR: '' },
    });
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.match(
      planned.stdout,
      /Volume estimate skipped: no X API credentials to count with here \(no credentials for profile "default"\)/,
    );
  });

  it('asks X nothing when the plan adds or changes no search or filter collection', async () => {
    const root = project({ 'people.yaml': PEOPLE });
    const before = fake.requests.length;
    const planned = await runCliAsync(['plan'], { cwd: root, env: fakeApiEnv(root, fake.baseUrl, SECRET_BEARER) });
    assert.equal(planned.status, 2, planned.stdout + planned.stderr);
    assert.doesNotMatch(planned.stdout, /Posts a month/);
    assert.equal(fake.requests.slice(before).filter((r) => r.endpoint === 'tweets/counts/recent').length, 0);
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
