/*
 * A collection's monthly budget (`budget.monthly_usd`), held by its harvests: the month's spend so
 * far (the harvests' records in the archive) plus what this harvest has read, priced at the
 * harvester's prices. The harvest stops before the next page could pass the budget: a page is at
 * most 100 resources, so it stops once less than a page's worth is left. The stop is a gap with
 * cause `budget` to the end of the month; the next month's harvests start with the month's spend
 * at nothing, and go on from where this one stopped.
 */

import { billingMonth, costOf, type BillableReads } from '../platform/billing/cost-model.js';
import { monthSpend } from '../platform/billing/month-spend.js';
import { DEFAULT_PRICES, type Prices } from '../platform/billing/prices.js';
import type { HarvestContext } from './harvest-context.js';

/** The most resources one answer returns (a page of posts, a look-up of users). */
const PAGE = 100;

export async function holdBudget(context: HarvestContext, prices: Prices = DEFAULT_PRICES, now = new Date()): Promise<void> {
  const budget = context.config.budget?.monthly_usd;
  if (budget === undefined) return;
  const month = billingMonth(now);
  const before = await monthSpend(context.store, context.config.id, month, prices);
  const onePage = PAGE * Math.max(prices.post_read, prices.user_read);
  const check = (reads: BillableReads): void => {
    const spent = before.usd + costOf(reads, prices).usd;
    if (spent + onePage <= budget || context.stop.stopping) return;
    const at = new Date();
    const nextMonth = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    context.stats.gaps.push({ start: at.toISOString(), end: nextMonth.toISOString(), cause: 'budget' });
    const detail = `budget: $${spent.toFixed(2)} of the collection's $${budget.toFixed(2)} for ${month} spent, less than a page's worth left; harvests go on in ${billingMonth(nextMonth)}`;
    context.log.warn('monthly budget reached; stopping', { spent_usd: spent, budget_usd: budget, month });
    context.stop.stop('budget', detail);
  };
  check(context.stats.billing.total);
  context.stats.billing.listen(check);
}
