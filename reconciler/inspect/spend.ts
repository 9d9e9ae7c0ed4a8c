/*
 * This billing month's spend on X reads, per collection and in all, for `status` and `list`: the
 * harvests' own records priced at the deployment's prices, next to the budget and, where the
 * credentials allow, X's own count of the Project's posts (its usage endpoint).
 */

import { billingMonth, costOf, formatUsd, roundUsd, type BillableReads } from '../../platform/billing/cost-model.js';
import { monthSpend, type MonthSpend } from '../../platform/billing/month-spend.js';
import type { Prices } from '../../platform/billing/prices.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { ProjectUsage } from '../../platform/x-api/usage.js';

export interface SpendReport {
  readonly month: string;
  readonly collections: readonly MonthSpend[];
  readonly usd: number;
  readonly possibly_usd: number;
  readonly posts: number;
  readonly budgetUsd?: number;
}

export async function spendThisMonth(
  store: ArchiveStore,
  ids: readonly string[],
  settings: { readonly prices: Prices; readonly monthlyBudgetUsd?: number },
  now = new Date(),
): Promise<SpendReport> {
  const month = billingMonth(now);
  const collections = await Promise.all(ids.map((id) => monthSpend(store, id, month, settings.prices)));
  const sum = (pick: (s: MonthSpend) => number): number => collections.reduce((total, s) => total + pick(s), 0);
  return {
    month,
    collections,
    usd: roundUsd(sum((s) => s.usd)),
    possibly_usd: roundUsd(sum((s) => s.possibly_usd)),
    posts: sum((s) => s.reads.posts),
    ...(settings.monthlyBudgetUsd !== undefined ? { budgetUsd: settings.monthlyBudgetUsd } : {}),
  };
}

/** The cell `list` shows for a collection: "$2.50", or "-" without harvests this month. */
export function spendCell(spend: MonthSpend | undefined): string {
  return spend === undefined || spend.harvests === 0 ? '-' : formatUsd(spend.usd);
}

/** "Spent on X reads in 2026-12 (UTC): $2.50 of the $50.00 budget": the line `list` ends with and `status` starts with. */
export function spendSummary(report: SpendReport): string {
  const budget = report.budgetUsd !== undefined ? ` of the ${formatUsd(report.budgetUsd)} budget` : '';
  return `Spent on X reads in ${report.month} (UTC): ${formatUsd(report.usd)}${budget}`;
}

export function spendLines(report: SpendReport, usage: ProjectUsage | { readonly unavailable: string }): string[] {
  const possibly = report.possibly_usd > 0 ? `, and up to ${formatUsd(report.possibly_usd)} more if X charges the includes` : '';
  const lines = [`${spendSummary(report)} for ${report.posts.toLocaleString('en')} posts${possibly}`];
  const width = Math.max(0, ...report.collections.map((s) => s.collection.length));
  for (const s of report.collections.filter((c) => c.harvests > 0))
    lines.push(
      `  ${s.collection.padEnd(width)}  ${formatUsd(s.usd).padStart(10)}  ${s.reads.posts.toLocaleString('en')} posts, ${s.reads.users.toLocaleString('en')} users in ${s.harvests} harvest${s.harvests === 1 ? '' : 's'}`,
    );
  if (!('unavailable' in usage))
    lines.push(
      `  X's own count of the Project's posts this billing cycle: ${usage.used.toLocaleString('en')} (it starts again on day ${usage.resetDay}; it counts every app of the Project)`,
    );
  return lines;
}

/** What one harvest bought, for `last`: "bought: 80 posts, 3 users, $0.43 at x_api.prices (...)". */
export function boughtLine(reads: BillableReads, prices: Prices): string {
  const counts = reads.counts_recent_requests + reads.counts_all_requests;
  const parts = [`${reads.posts} posts`, `${reads.users} users`, ...(counts > 0 ? [`${counts} counts requests`] : [])];
  const possibly =
    reads.possibly_posts + reads.possibly_users > 0
      ? ` (expansions brought ${reads.possibly_posts} posts and ${reads.possibly_users} users more, possibly billed)`
      : '';
  return `bought: ${parts.join(', ')}, ${formatUsd(costOf(reads, prices).usd)} at x_api.prices${possibly}`;
}
