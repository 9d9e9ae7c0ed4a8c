/*
 * The plan's cost estimate as a person reads it (text) and as a pull request shows it (markdown):
 * per collection the first harvest and a month, in dollars with the posts behind them and how each
 * was estimated; the month's total against the budget and the Post cap; what was not estimated, and
 * why, instead of a zero.
 */

import { formatUsd } from '../../platform/billing/cost-model.js';
import { accessLevelName } from '../../platform/x-api/access-levels.js';
import type { CollectionCost, CostEstimate, Figure } from '../../reconciler/estimate/cost.js';

const n = (value: number): string => Math.round(value).toLocaleString('en');

function heading(estimate: CostEstimate): string {
  const prices = estimate.prices;
  return (
    `Cost estimate at X's ${accessLevelName(estimate.accessLevel)} prices (${formatUsd(prices.post_read)} a post, ${formatUsd(prices.user_read)} a user, ` +
    `as of ${estimate.pricesAsOf}; authors and referenced posts that expansions bring are not counted)`
  );
}

const figureText = (figure: Figure | undefined): string =>
  figure === undefined
    ? 'not estimated'
    : `${formatUsd(figure.usd)} (${n(figure.posts)} posts${figure.users > 0 ? `, ${n(figure.users)} user${figure.users === 1 ? '' : 's'}` : ''})`;

/** Nothing could be priced: a total would read as a zero. */
const nothingEstimated = (estimate: CostEstimate): boolean =>
  estimate.notEstimated.length === estimate.collections.length && estimate.firstHarvestsUsd === 0;

function totalLine(estimate: CostEstimate): string {
  if (nothingEstimated(estimate)) return 'this month: not estimated (no collection could be; see why above)';
  const parts = [
    `first harvests ${formatUsd(estimate.firstHarvestsUsd)}`,
    `a month of every active collection ${formatUsd(estimate.monthlyUsd)}`,
    ...(estimate.estimate.countsRequests > 0
      ? [
          `this estimate's ${estimate.estimate.countsRequests} counts request${estimate.estimate.countsRequests === 1 ? '' : 's'} ${formatUsd(estimate.estimate.usd)}`,
        ]
      : []),
  ];
  const budget =
    estimate.budgetUsd !== undefined ? `, budget ${formatUsd(estimate.budgetUsd)}${estimate.overBudget ? ': OVER BUDGET' : ''}` : '';
  return `this month ~${formatUsd(estimate.thisMonthUsd)} (${parts.join(', ')})${budget}`;
}

function capLine(estimate: CostEstimate): string {
  if (nothingEstimated(estimate)) return 'posts this month: not estimated';
  return `posts this month ~${n(estimate.thisMonthPosts)} of the ${n(estimate.postCap)} cap (${percent(estimate.thisMonthPosts, estimate.postCap)})`;
}

function notEstimatedLine(estimate: CostEstimate): string | undefined {
  if (estimate.notEstimated.length === 0) return undefined;
  return `not in the total: ${estimate.notEstimated.join(', ')} (see why above)`;
}

const notes = (c: CollectionCost): string => [c.changed ? 'new or changed' : '', c.note ?? ''].filter((s) => s !== '').join('; ');

export interface CostWarning {
  /** Over the budget: apply refuses the plan. */
  readonly refuses: boolean;
  readonly text: string;
}

/** The warnings a plan carries for its cost: over the budget (apply refuses), over the cap. */
export function costWarnings(estimate: CostEstimate | undefined): CostWarning[] {
  if (estimate === undefined) return [];
  const warnings: CostWarning[] = [];
  if (estimate.overBudget && estimate.budgetUsd !== undefined)
    warnings.push({
      refuses: true,
      text:
        `Over budget: this month would cost about ${formatUsd(estimate.thisMonthUsd)}, over x_api.monthly_budget_usd of ${formatUsd(estimate.budgetUsd)}; ` +
        'apply refuses this plan unless --allow-over-budget is given. Narrow the queries or rules, set max_records, harvest fewer accounts or less often, or raise the budget.',
    });
  if (estimate.overCap)
    warnings.push({
      refuses: false,
      text:
        `Warning: the collections would read about ${n(estimate.thisMonthPosts)} posts this month, over the ${accessLevelName(estimate.accessLevel)} cap of ${n(estimate.postCap)}; ` +
        "once it is reached X refuses every request until the month's reset. Narrow the queries or rules, set max_records, or suspend collections.",
    });
  return warnings;
}

export function costText(estimate: CostEstimate | undefined): string[] {
  if (estimate === undefined) return [];
  const width = Math.max(...estimate.collections.map((c) => c.id.length), 10);
  const lines = ['', `${heading(estimate)}:`, `    ${'collection'.padEnd(width)}  ${'first harvest'.padEnd(30)}  a month`];
  for (const c of estimate.collections) {
    const first = c.changed ? figureText(c.first) : '';
    const note = notes(c);
    lines.push(
      `  ${c.changed ? '*' : ' '} ${c.id.padEnd(width)}  ${first.padEnd(30)}  ${figureText(c.monthly)}${note ? `  (${note})` : ''}`,
    );
    for (const figure of [c.changed ? c.first : undefined, c.monthly])
      if (figure) lines.push(`      ${''.padEnd(width)}${figure === c.first ? 'first harvest' : 'a month'}: ${figure.how}`);
  }
  lines.push(`    ${totalLine(estimate)}`, `    ${capLine(estimate)}`);
  const missing = notEstimatedLine(estimate);
  if (missing !== undefined) lines.push(`    ${missing}`);
  return lines;
}

export function costMarkdown(estimate: CostEstimate | undefined): string[] {
  if (estimate === undefined) return [];
  const cell = (figure: Figure | undefined): string =>
    figure === undefined ? '_not estimated_' : `${formatUsd(figure.usd)} (${n(figure.posts)} posts)`;
  const rows = estimate.collections.map((c) => {
    const how = [c.changed && c.first ? `first: ${c.first.how}` : '', c.monthly ? `month: ${c.monthly.how}` : '', c.note ?? '']
      .filter((s) => s !== '')
      .join('; ');
    return `| \`${c.id}\`${c.changed ? ' **new or changed**' : ''} | ${c.changed ? cell(c.first) : ''} | ${cell(c.monthly)} | ${how} |`;
  });
  const missing = notEstimatedLine(estimate);
  return [
    `#### ${heading(estimate)}`,
    '',
    '| collection | first harvest | a month | how |',
    '| --- | ---: | ---: | --- |',
    ...rows,
    `| **total** | | **${formatUsd(estimate.thisMonthUsd)}** this month | ${totalLine(estimate)}; ${capLine(estimate)} |`,
    '',
    ...(missing !== undefined ? [`_${missing}_`, ''] : []),
  ];
}

function percent(part: number, whole: number): string {
  if (whole === 0) return 'no cap';
  return `${((100 * part) / whole).toFixed(part / whole < 0.1 ? 1 : 0)} %`;
}
