/*
 * The report as one HTML file that needs nothing but itself: the data inlined as JSON, uPlot
 * (a small, well-kept charting library, MIT) and its stylesheet inlined, and a Content Security
 * Policy that forbids the page any request at all. Tables are plain HTML, so they read without
 * scripts; the volume chart is drawn by uPlot, with harvest runs and recorded gaps as bands.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { formatUsd } from '../../platform/billing/cost-model.js';
import type { HarvestRow, ReportData } from './report-data.js';

const require = createRequire(import.meta.url);

export function reportHtml(data: ReportData): string {
  const uplot = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const c = data.collection;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>${escape(c.id)}: twarc-cloud report</title>
<style>${uplotCss}
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #1d2430; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #dde3ea; }
.meta { color: #5b6675; margin-top: 0; }
dl.summary { display: grid; grid-template-columns: repeat(5, 1fr); gap: 0.5rem; }
dl.summary div { background: #f3f6f9; padding: 0.6rem; border-radius: 6px; }
dl.summary dt { color: #5b6675; font-size: 12px; } dl.summary dd { margin: 0; font-size: 20px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eef1f4; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.tops { display: grid; grid-template-columns: repeat(2, 1fr); gap: 1.5rem; }
.bar { background: #3a78c2; height: 8px; border-radius: 2px; }
.legend span { display: inline-block; width: 12px; height: 12px; vertical-align: middle; margin: 0 4px 0 12px; }
.outcome-failed { color: #b3261e; font-weight: 600; }
</style>
</head>
<body>
<h1>${escape(c.id)}</h1>
<p class="meta">${escape(c.type)} collection, ${escape(c.state)}${c.description !== undefined ? ` &middot; ${escape(c.description)}` : ''} &middot; report made ${escape(data.generated_at)}</p>
<dl class="summary">
  <div><dt>Tweets</dt><dd data-testid="tweets">${data.tweets.toLocaleString('en')}</dd></div>
  <div><dt>Harvests</dt><dd data-testid="harvests">${data.harvests.length}</dd></div>
  <div><dt>Spent on X reads</dt><dd data-testid="cost">${escape(totalCost(data.harvests))}</dd></div>
  <div><dt>Gaps recorded</dt><dd data-testid="gaps">${data.harvests.reduce((n, h) => n + h.gaps.length, 0)}</dd></div>
  <div><dt>First tweet</dt><dd data-testid="first">${escape(data.first_tweet?.slice(0, 10) ?? '-')}</dd></div>
  <div><dt>Last tweet</dt><dd data-testid="last">${escape(data.last_tweet?.slice(0, 10) ?? '-')}</dd></div>
</dl>
${data.duplicates > 0 ? `<p class="meta">${data.duplicates.toLocaleString('en')} copies of tweets harvested more than once are counted once.</p>` : ''}
<h2>Posts per ${data.volume.unit}</h2>
${
  data.volume.times.length === 0
    ? '<p id="volume-empty">No posts yet: the chart appears once a harvest has stored some.</p><p id="volume-legend" hidden></p>'
    : `<div id="volume"></div>
<p class="meta" id="volume-legend"></p>
<p class="legend meta">by creation time, UTC (ISO 8601)<span style="background:rgba(58,120,194,.18)"></span>harvest runs<span style="background:rgba(179,38,30,.35)"></span>recorded gaps</p>`
}
<h2>Harvests</h2>
${harvestTable(data.harvests)}
${gapTable(data.harvests)}
<div class="tops">
${topTable('Top hashtags', 'hashtags', data.top.hashtags)}
${topTable('Top mentions', 'mentions', data.top.mentions)}
${topTable('Top authors', 'authors', data.top.authors)}
${topTable('Languages', 'languages', data.top.languages)}
</div>
${data.stream ? streamSection(data.stream) : ''}
<script type="application/json" id="report-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script>${uplot}</script>
<script>${RENDER}</script>
</body>
</html>
`;
}

/** The harvests' cost; harvests from before costs were recorded are said to be left out. */
function totalCost(harvests: readonly HarvestRow[]): string {
  const priced = harvests.filter((h) => h.cost_usd !== undefined);
  if (priced.length === 0) return '-';
  const total = formatUsd(priced.reduce((sum, h) => sum + (h.cost_usd ?? 0), 0));
  return priced.length === harvests.length ? total : `${total} (${harvests.length - priced.length} harvests unpriced)`;
}

function harvestTable(harvests: readonly HarvestRow[]): string {
  const rows = harvests
    .map(
      (h) =>
        `<tr><td>${escape(h.started_at.replace('T', ' ').slice(0, 19))}</td><td>${escape(h.ended_at?.replace('T', ' ').slice(0, 19) ?? 'running')}</td>` +
        `<td class="outcome-${escape(h.outcome)}">${escape(h.outcome)}</td><td class="n">${h.tweets.toLocaleString('en')}</td><td class="n">${h.requests}</td>` +
        `<td class="n">${h.rate_limit_waits}${h.rate_limit_waits > 0 ? ` (${Math.round(h.rate_limit_wait_seconds)} s)` : ''}</td><td class="n">${h.gaps.length}</td>` +
        `<td class="n">${h.cost_usd !== undefined ? escape(formatUsd(h.cost_usd)) : '-'}</td></tr>`,
    )
    .join('\n');
  return `<table id="harvests"><thead><tr><th>started (UTC)</th><th>ended</th><th>outcome</th><th class="n">tweets</th><th class="n">requests</th><th class="n">rate-limit waits</th><th class="n">gaps</th><th class="n">cost</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

/** Every stretch a stream lost, and whether its repair filled it: what a reader needs to know of the data's holes. */
function gapTable(harvests: readonly HarvestRow[]): string {
  const gaps = harvests.flatMap((h) => h.gaps);
  if (gaps.length === 0) return '';
  const time = (at: string): string => escape(at.replace('T', ' ').slice(0, 19));
  const rows = gaps
    .map((gap) => {
      const repair = gap.repair;
      const outcome = repair ? repair.outcome.replace('_', ' ') : 'not searched (repair_gaps off)';
      return (
        `<tr><td>${time(gap.start)}</td><td>${time(gap.end)}</td><td>${escape(gap.cause)}</td><td class="repair-${escape(repair?.outcome ?? 'none')}">${escape(outcome)}</td>` +
        `<td class="n">${repair?.posts?.toLocaleString('en') ?? '-'}</td><td class="n">${repair?.usd !== undefined ? escape(formatUsd(repair.usd)) : '-'}</td><td>${escape(repair?.reason ?? '')}</td></tr>`
      );
    })
    .join('\n');
  return `<h2>Gaps</h2>
<table id="gaps"><thead><tr><th>from (UTC)</th><th>to</th><th>cause</th><th>repair</th><th class="n">posts found</th><th class="n">cost</th><th>note</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function topTable(title: string, id: string, entries: ReadonlyArray<readonly [string, number]>): string {
  const most = entries[0]?.[1] ?? 1;
  const rows = entries
    .map(
      ([name, count]) =>
        `<tr><td>${escape(name)}</td><td class="n">${count.toLocaleString('en')}</td><td style="width:40%"><div class="bar" style="width:${((100 * count) / most).toFixed(1)}%"></div></td></tr>`,
    )
    .join('\n');
  return `<section><h2>${escape(title)}</h2><table id="top-${id}"><tbody>${rows || '<tr><td>none</td></tr>'}</tbody></table></section>`;
}

/** A filter collection's rules, each with its matches (0 shown as 0), and what its stream group matched to none. */
function streamSection(stream: NonNullable<ReportData['stream']>): string {
  const rows = stream.rules
    .map(
      (r) =>
        `<tr><td>${escape(r.rule)}</td><td>${r.value !== undefined ? `<code>${escape(r.value)}</code>` : 'no longer among its rules'}</td><td class="n">${r.matches.toLocaleString('en')}</td></tr>`,
    )
    .join('\n');
  const { messages, files } = stream.unmatched;
  const unmatched =
    messages === 0
      ? 'Its stream group kept no unmatched messages.'
      : `${messages.toLocaleString('en')} stream message${messages === 1 ? '' : 's'} that reached its stream group while it fed this collection matched none of the group's rules (rules the app holds for something else, or changed on X): not counted above, kept in ${files.length} unmatched file${files.length === 1 ? '' : 's'}: ${files.map((f) => `<code>${escape(f)}</code>`).join(', ')}.`;
  return `<h2>Matches per rule</h2>
<table id="rule-matches"><thead><tr><th>rule</th><th>value</th><th class="n">posts</th></tr></thead><tbody>${rows || '<tr><td colspan="3">no rules</td></tr>'}</tbody></table>
<p class="meta" id="unmatched" data-messages="${messages}">${unmatched}</p>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Runs in the page: the volume chart, with harvest runs and gaps drawn behind the bars. Times read
 * as ISO 8601 in UTC, on the axis and in the legend; the legend shows the total and the busiest
 * bucket until the pointer picks a bar. One bucket gets an axis of its own hour (or day); none gets
 * no chart at all, the page says so instead.
 */
const RENDER = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var el = document.getElementById('volume');
  var legend = document.getElementById('volume-legend');
  var v = data.volume;
  var step = v.unit === 'day' ? 86400 : 3600;
  var iso = function (sec) {
    var text = new Date(sec * 1000).toISOString();
    return v.unit === 'day' ? text.slice(0, 10) : text.slice(0, 16) + 'Z';
  };
  var posts = function (n) { return n.toLocaleString('en') + (n === 1 ? ' post' : ' posts'); };
  var total = v.tweets.reduce(function (a, b) { return a + b; }, 0);
  var busiest = v.tweets.indexOf(Math.max.apply(null, v.tweets));
  var overview = v.times.length === 0 ? '' : 'total ' + posts(total) + ' in ' + v.times.length + ' ' + v.unit + (v.times.length === 1 ? '' : 's') +
    '; busiest ' + v.unit + ' ' + iso(v.times[busiest]) + ': ' + posts(v.tweets[busiest]);
  legend.textContent = overview;
  if (v.times.length === 0) { window.twarcCloudReport = { data: data, chart: null }; return; }
  var toSec = function (t) { return Date.parse(t) / 1000; };
  var bands = function (u) {
    var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
    var fill = function (from, to, color) {
      var x0 = u.valToPos(from, 'x', true), x1 = u.valToPos(to, 'x', true);
      ctx.fillStyle = color; ctx.fillRect(x0, top, Math.max(2, x1 - x0), height);
    };
    ctx.save();
    ctx.beginPath(); ctx.rect(u.bbox.left, top, u.bbox.width, height); ctx.clip();
    data.harvests.forEach(function (h) { fill(toSec(h.started_at), h.ended_at ? toSec(h.ended_at) : Date.now() / 1000, 'rgba(58,120,194,.18)'); });
    data.harvests.forEach(function (h) { h.gaps.forEach(function (g) { fill(toSec(g.start), toSec(g.end), 'rgba(179,38,30,.35)'); }); });
    ctx.restore();
  };
  var chart = new uPlot({
    width: Math.min(1060, el.clientWidth || 1060), height: 280,
    tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
    legend: { show: false },
    // Room right of the plot for half of the last time label, which is centred on its tick.
    padding: [16, v.unit === 'day' ? 40 : 64, 0, 0],
    series: [{}, { label: 'posts', stroke: '#3a78c2', fill: 'rgba(58,120,194,.55)', paths: uPlot.paths.bars({ size: [0.9, 40] }), points: { show: false } }],
    // Bars are read from zero (uPlot starts the axis near the least count, and a short hour looked
    // empty), and the time axis reaches half a bucket past each end, so the edge bars are drawn whole
    // and a single bucket gets an axis of its own width, not uPlot's default years.
    scales: {
      x: { time: true, range: function () { return [v.times[0] - step / 2, v.times[v.times.length - 1] + step / 2]; } },
      y: { range: function (u, min, max) { return [0, Math.max(1, max) * 1.1]; } }
    },
    axes: [
      { space: v.unit === 'day' ? 90 : 130, values: function (u, splits) { return splits.map(function (s) { return iso(s); }); } },
      { label: 'posts' }
    ],
    hooks: {
      drawClear: [bands],
      setCursor: [function (u) {
        var i = u.cursor.idx;
        legend.textContent = i === null || i === undefined ? overview : iso(v.times[i]) + ' (' + v.unit + '): ' + posts(v.tweets[i]);
      }]
    }
  }, [v.times, v.tweets], el);
  window.twarcCloudReport = { data: data, chart: chart };
})();
`;
