/*
 * The report as a user sees it: a collection harvested twice from the fake X API, its report
 * opened in headless Chromium (Debian's, driven by playwright-core, kept off the network). The
 * chart must be drawn, its numbers and the page's must be the archive's, and the page must make no
 * request at all. The chart holds at its edges too: one bucket, and no posts at all. Screenshots are
 * kept in each test's own project folder, whose path the test prints.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { collectionKeys, harvestId } from '../../platform/archive/keys.js';
import { pageLine, twarcMetadata } from '../../harvester/output/twarc-line.js';
import { pagesOf, tweetFiles } from '../../platform/archive/harvest-files.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { putCollection, SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const CHROMIUM = '/usr/bin/chromium';
/** Flags that keep Chromium off the network: no background fetches, updates, sync or QUIC. */
const OFFLINE = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

let fake: FakeXApi;
let root: string;
const expected = { tweets: 0, hashtags: new Map<string, number>() };

before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 40, tweetsPerUser: () => 0, searchTweets: 420 } }).start();
  root = tempProject({
    'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
    'collections/climate.yaml': 'id: climate\ntype: search\nquery: climate\nschedule: rate(1 day)\n',
  });
  execFileSync('git', ['-C', root, 'init', '-q']);
  const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
  assert.equal((await runCliAsync(['apply', '--yes'], { cwd: root, env })).status, 0);
  assert.equal((await runCliAsync(['run', 'climate'], { cwd: root, env })).status, 0);
  fake.corpus.addSearchTweets(180);
  assert.equal((await runCliAsync(['run', 'climate'], { cwd: root, env })).status, 0);
  const store = new LocalArchiveStore(join(root, 'archive'));
  const ids = new Set<string>();
  for (const file of await tweetFiles(store, 'climate'))
    for await (const page of pagesOf(store, file.key))
      for (const tweet of page['data'] as Array<{ id: string; entities?: { hashtags?: Array<{ tag: string }> } }>) {
        if (ids.has(tweet.id)) continue;
        ids.add(tweet.id);
        for (const tag of tweet.entities?.hashtags ?? []) {
          const key = `#${tag.tag.toLowerCase()}`;
          expected.hashtags.set(key, (expected.hashtags.get(key) ?? 0) + 1);
        }
      }
  expected.tweets = ids.size;
  const report = await runCliAsync(['report', 'climate', '--out', 'report.html'], { cwd: root, env });
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, new RegExp(`climate: ${expected.tweets} tweets, 2 harvests -> .*report\\.html`));
});
after(async () => {
  await fake.stop();
});

describe('the volume summary of the apply and drift jobs', () => {
  it("charts each collection's tweets of the last days in Mermaid, with a table beside", async () => {
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const result = await runCliAsync(['report', '--volume-summary', '--days', '3'], { cwd: root, env });
    assert.equal(result.status, 0, result.stderr);
    const chart = ['```mermaid', 'xychart-beta', '  x-axis ["climate"]', '  y-axis "tweets"', `  bar [${expected.tweets}]`, '```'].join(
      '\n',
    );
    assert.ok(result.stdout.includes(chart), result.stdout);
    assert.ok(result.stdout.includes(`| climate | ${expected.tweets} | 2 | 0 |`), result.stdout);
  });
});

describe('the report, opened in Chromium', { timeout: 120_000 }, () => {
  it("draws the volume chart, shows the archive's numbers, and asks the network for nothing", async (t) => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing, and this test opens the report in it. Install Debian's Chromium: apt-get install chromium (.ci/run does)`,
    );
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: OFFLINE, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const url = pathToFileURL(join(root, 'report.html')).href;
      await page.goto(url);
      await page.waitForFunction("'twarcCloudReport' in window");
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [url], 'the page itself and nothing else');

      // Run in the page (as text: this project's TypeScript has no DOM types).
      const chart = await page.evaluate<{
        series: number;
        total: number;
        painted: number;
        floor: number;
        ceiling: number;
        tallest: number;
        wholeBars: boolean;
      }>(`(() => {
        const report = window.twarcCloudReport;
        const canvas = document.querySelector('#volume canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
        const [times, tweets] = report.chart.data;
        const { x, y } = report.chart.scales;
        return {
          series: report.chart.series.length, total: tweets.reduce((a, b) => a + b, 0), painted,
          floor: y.min, ceiling: y.max, tallest: Math.max(...tweets), wholeBars: x.min < times[0] && x.max > times.at(-1),
        };
      })()`);
      assert.equal(chart.series, 2, 'the time axis and one series of tweets');
      assert.equal(chart.total, expected.tweets, 'the chart counts every tweet of the archive once');
      assert.ok(chart.painted > 1000, `the canvas is drawn on (${chart.painted} pixels painted)`);
      // Bars measured from zero: from the least count up, an hour of 36 tweets looked like none beside one of 80.
      assert.equal(chart.floor, 0, 'the tweets axis starts at zero');
      assert.ok(chart.wholeBars, 'the time axis reaches past the first and last buckets, so their bars are drawn whole');
      assert.ok(chart.ceiling >= chart.tallest, `the tallest bar (${chart.tallest}) fits under ${chart.ceiling}`);

      const text = async (selector: string): Promise<string> => (await page.textContent(selector))?.trim() ?? '';
      assert.equal(await text('[data-testid=tweets]'), expected.tweets.toLocaleString('en'));
      assert.equal(await text('[data-testid=harvests]'), '2');
      assert.equal(await page.locator('#harvests tbody tr').count(), 2);
      // 420 and then 180 posts read at $0.005 each, as the harvests recorded them.
      assert.equal(await text('#harvests tbody tr:first-child td:last-child'), '$2.10');
      assert.equal(await text('#harvests tbody tr:nth-child(2) td:last-child'), '$0.90');
      assert.equal(await text('[data-testid=cost]'), '$3.00');
      const [topTag, topCount] = [...expected.hashtags.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? ['', 0];
      assert.equal(await text('#top-hashtags tr:first-child td:first-child'), topTag);
      assert.equal(await text('#top-hashtags tr:first-child td:nth-child(2)'), topCount.toLocaleString('en'));

      const labels = await axisLabels(page);
      assert.ok(labels.length >= 2, `the time axis is labelled (${labels.join(', ')})`);
      for (const label of labels) assert.match(label, /^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/, 'ISO 8601 in UTC, not a 12-hour clock');
      assert.match(
        await text('#volume-legend'),
        new RegExp(`^total ${expected.tweets} posts in \\d+ hours; busiest hour \\S+Z: \\d+ posts$`),
      );
      // Pointing at a bar names its hour and its count.
      const box = await page.locator('#volume .u-over').boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      assert.match(await text('#volume-legend'), /^\d{4}-\d\d-\d\dT\d\d:\d\dZ \(hour\): \d+ posts?$/);

      await page.screenshot({ path: join(root, 'report.png'), fullPage: true });
      t.diagnostic(`screenshot: ${keptScreenshot(join(root, 'report.png'), 'report-many.png')}`);
    } finally {
      await browser.close();
    }
  });
});

/**
 * A screenshot is taken in the test's own folder, removed when the tests end; with
 * TWARC_CLOUD_SCREENSHOTS set to a folder, it is copied there to be looked at.
 */
function keptScreenshot(path: string, name: string): string {
  const folder = process.env['TWARC_CLOUD_SCREENSHOTS'];
  if (folder === undefined || folder === '') return path;
  mkdirSync(folder, { recursive: true });
  copyFileSync(path, join(folder, name));
  return join(folder, name);
}

/** The time axis's labels as drawn. */
async function axisLabels(page: import('playwright-core').Page): Promise<string[]> {
  return page.evaluate<string[]>(`window.twarcCloudReport.chart.axes[0]._values.map(String)`);
}

/** A collection in a local archive whose posts (if any) were all created in the hour from `hour`; its report made by the CLI. */
async function reportOf(posts: number, hour: string): Promise<string> {
  const project = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n' });
  const store = new LocalArchiveStore(join(project, 'archive'));
  await putCollection(store, { id: 'edge', type: 'search', query: 'edge', archive: false });
  if (posts > 0) {
    const at = new Date(Date.parse(hour) + 50 * 60_000);
    const data = Array.from({ length: posts }, (_, i) => ({
      id: String(1_900_000_000_000_000_000n + BigInt(i)),
      text: `post ${i}`,
      author_id: '12',
      created_at: new Date(Date.parse(hour) + i * 60_000).toISOString(),
    }));
    const line = `${pageLine({ data, meta: { result_count: posts } }, twarcMetadata('https://api.x.com/2/tweets/search/recent', at))}\n`;
    await store.put(collectionKeys('edge').harvest(harvestId(at)).tweets(at, 1), gzipSync(line));
  }
  const report = await runCliAsync(['report', 'edge', '--out', 'report.html'], { cwd: project, env: { HOME: project } });
  assert.equal(report.status, 0, report.stderr);
  return project;
}

describe("the report's chart at its edges, in Chromium", { timeout: 120_000 }, () => {
  async function opened<T>(project: string, check: (page: import('playwright-core').Page, errors: string[]) => Promise<T>): Promise<T> {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing, and this test opens the report in it. Install Debian's Chromium: apt-get install chromium`,
    );
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: OFFLINE, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(project, 'report.html')).href);
      await page.waitForFunction("'twarcCloudReport' in window");
      const result = await check(page, errors);
      await page.screenshot({ path: join(project, 'report.png'), fullPage: true });
      return result;
    } finally {
      await browser.close();
    }
  }

  it('one hour of posts: an axis of that hour, labelled in UTC, its bar drawn whole', async (t) => {
    const project = await reportOf(3, '2026-11-01T10:00:00Z');
    await opened(project, async (page, errors) => {
      assert.deepEqual(errors, []);
      const scale = await page.evaluate<{ min: number; max: number; bar: number }>(
        `(() => { const u = window.twarcCloudReport.chart; return { min: u.scales.x.min, max: u.scales.x.max, bar: u.data[1][0] }; })()`,
      );
      const hour = Date.parse('2026-11-01T10:00:00Z') / 1000;
      assert.deepEqual(scale, { min: hour - 1800, max: hour + 1800, bar: 3 }, 'half an hour either side of its one bucket, not years');
      const labels = await axisLabels(page);
      assert.ok(labels.length >= 1);
      for (const label of labels) assert.match(label, /^2026-11-01T(09|10|11):\d\dZ$/);
      assert.equal((await page.textContent('#volume-legend'))?.trim(), 'total 3 posts in 1 hour; busiest hour 2026-11-01T10:00Z: 3 posts');
    });
    t.diagnostic(`screenshot: ${keptScreenshot(join(project, 'report.png'), 'report-one-bucket.png')}`);
  });

  it('no posts yet: no chart and no 1970 axis, the page says so', async (t) => {
    const project = await reportOf(0, '');
    await opened(project, async (page, errors) => {
      assert.deepEqual(errors, []);
      assert.equal(await page.locator('canvas').count(), 0, 'no empty chart is drawn');
      assert.match((await page.textContent('#volume-empty')) ?? '', /^No posts yet/);
      assert.doesNotMatch((await page.textContent('body')) ?? '', /1970|12\/31\/69/);
    });
    t.diagnostic(`screenshot: ${keptScreenshot(join(project, 'report.png'), 'report-no-posts.png')}`);
  });
});
