import { actionSign, hasChanges, type Plan, type PlannedAction, type RuntimeStep } from '../../reconciler/plan/model.js';
import type { FieldChange } from '../../reconciler/plan/field-changes.js';
import type { CostEstimate } from '../../reconciler/estimate/cost.js';
import { costMarkdown, costText, costWarnings } from './cost-report.js';

/** How each action reads, in every format. */
const VERB: Record<PlannedAction['kind'], string> = {
  create: 'create',
  update: 'update',
  suspend: 'suspend',
  resume: 'resume',
  remove: 'remove',
  adopt: 'adopt',
};
const MAX_FIELDS_SHOWN = 25;

export function summaryLine(plan: Plan): string {
  const c = plan.counts;
  const groups = plan.streamGroups?.length ?? 0;
  return `Plan: ${c.create} to create, ${c.update} to update, ${c.suspend} to suspend, ${c.resume} to resume, ${c.remove} to remove, ${c.adopt} to adopt${groups > 0 ? `; ${groups} stream group${groups === 1 ? '' : 's'} to start, roll or stop` : ''}.`;
}

/** Why apply would refuse this plan, one line per reason; empty when it would not. */
export function refusalLines(plan: Plan): string[] {
  const lines: string[] = [];
  if (plan.refused) {
    lines.push(
      `Refused: this plan stops ${plan.refused.stops} collections and the guard allows ${plan.refused.limit} (guard.max_stops in twarc-cloud.yaml). If that is intended, run again with --allow-mass-stop.`,
    );
  }
  for (const conflict of plan.conflicts ?? []) {
    lines.push(
      `Refused: collection ${conflict.id} needs a resource that is not this deployment's: ${conflict.detail}. Rename the collection, or have its owner remove the resource; twarc-cloud never touches it.`,
    );
  }
  return lines;
}

/** Warnings that do not stop the plan: scheduled collections that would queue on one app's rate limit. */
export function warningLines(plan: Plan): string[] {
  return (plan.collisions ?? []).map((c) => {
    const shown = c.ids.length > 6 ? `${c.ids.slice(0, 6).join(', ')} and ${c.ids.length - 6} more` : c.ids.join(', ');
    return `Warning: ${c.ids.length} collections on credentials "${c.profile}" start ${c.when} (${shown}) and need at least ${c.requests.toLocaleString('en')} ${c.endpoint} requests, more than the ${c.limit.toLocaleString('en')} X allows an app per 15 minutes: their harvests will wait for the next window. Spread them over different minutes, e.g. cron(7 6 * * ? *) and cron(37 6 * * ? *), or give some another credentials profile.`;
  });
}

function value(v: unknown): string {
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function changeLine(change: FieldChange): string {
  if (change.old === undefined) return `+ ${change.path} = ${value(change.new)}`;
  if (change.new === undefined) return `- ${change.path} (was ${value(change.old)})`;
  return `~ ${change.path}: ${value(change.old)} -> ${value(change.new)}`;
}

function stepLine(step: RuntimeStep): string {
  switch (step.kind) {
    case 'put-schedule':
      return `schedule ${step.expression}, ${step.enabled ? 'enabled' : 'disabled'}`;
    case 'delete-schedule':
      return 'delete the schedule';
    case 'put-compliance-schedule':
      return `compliance checks ${step.expression} (twarc-cloud compliance; nothing harvested is deleted)`;
    case 'delete-compliance-schedule':
      return 'delete the compliance schedule (its results stay in the archive)';
    case 'stop-harvests':
      return 'stop running harvests gracefully';
    case 'start-harvest':
      return 'start its first harvest now (--no-initial-run to wait for the schedule)';
    case 'join-stream-group':
      return `join stream group "${step.group}": its rules are added to the group's open connection`;
    case 'leave-stream-group':
      return `leave stream group "${step.group}": its harvest finishes and its rules are deleted; the connection stays open for the others`;
    case 'change-stream-rules':
      return `rules changed on stream group "${step.group}"'s open connection (kept, no reconnect): ${
        [...step.added.map((rule) => `+ ${JSON.stringify(rule)}`), ...step.removed.map((rule) => `- ${JSON.stringify(rule)}`)].join(', ') ||
        'same rules'
      }; its harvest rolls over to the new settings`;
  }
}

/** The stream groups' own lines: the connections that start, roll onto a new release, or stop. */
function streamGroupLines(plan: Plan): string[] {
  return (plan.streamGroups ?? []).map((action) => {
    const members = `${action.members.length} filter collection${action.members.length === 1 ? '' : 's'}: ${action.members.join(', ')}`;
    switch (action.kind) {
      case 'start-stream-group':
        return `+ start stream group "${action.group}": one connection for its ${members}`;
      case 'roll-stream-group':
        return `~ roll stream group "${action.group}" onto the new harvester release (its ${members})`;
      case 'stop-stream-group':
        return `- stop stream group "${action.group}": no active filter collection uses its profile any more`;
    }
  });
}

/** A field that appears empty ([] or {}): a default the file did not set, which says nothing to a reviewer. */
function addsNothing(change: FieldChange): boolean {
  const added = change.new;
  return change.old === undefined && typeof added === 'object' && added !== null && Object.keys(added).length === 0;
}

/** The lines of one action: a heading, its field changes (capped), its runtime steps. */
export function actionLines(action: PlannedAction): { heading: string; details: string[] } {
  const heading = `${actionSign(action)} ${VERB[action.kind]} ${action.id} (${action.type})${action.kind === 'remove' ? ': harvested data is kept' : ''}`;
  const changes = action.changes.filter((change) => !addsNothing(change));
  const shown = changes.slice(0, MAX_FIELDS_SHOWN).map(changeLine);
  if (changes.length > MAX_FIELDS_SHOWN) shown.push(`... and ${changes.length - MAX_FIELDS_SHOWN} more changed fields`);
  const steps = action.steps.map((s) => `runtime: ${stepLine(s)}`);
  return { heading, details: [...shown, ...steps] };
}

export function planText(plan: Plan, where: string, color: boolean, cost?: CostEstimate, notes: readonly string[] = []): string {
  const paint = (code: number, text: string): string => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const colorOf = (line: string): number => (line.startsWith('+') ? 32 : line.startsWith('-') ? 31 : line.startsWith('~') ? 33 : 0);
  const lines = [`Plan for ${where}:`, ''];
  if (!hasChanges(plan)) lines.push('No changes. The live system matches collections/.');
  for (const line of streamGroupLines(plan)) lines.push(paint(colorOf(line), line));
  for (const action of plan.actions) {
    const { heading, details } = actionLines(action);
    lines.push(paint(colorOf(heading), heading));
    for (const detail of details) lines.push(`    ${colorOf(detail) ? paint(colorOf(detail), detail) : detail}`);
  }
  lines.push('', summaryLine(plan));
  for (const refusal of refusalLines(plan)) lines.push(paint(31, refusal));
  for (const warning of warningLines(plan)) lines.push(paint(33, warning));
  lines.push(...costText(cost));
  for (const warning of costWarnings(cost)) lines.push(paint(warning.refuses ? 31 : 33, warning.text));
  for (const note of notes) lines.push(paint(33, note));
  return `${lines.join('\n')}\n`;
}

/** GitHub's limit for a comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** A pull-request comment: removals called out first, each action folded, never over GitHub's limit. */
export function planMarkdown(
  plan: Plan,
  where: string,
  limit = GITHUB_COMMENT_LIMIT,
  cost?: CostEstimate,
  notes: readonly string[] = [],
): string {
  const head: string[] = [`### twarc-cloud plan for ${where}`, '', `**${summaryLine(plan)}**`, ''];
  for (const refusal of refusalLines(plan)) head.push('> [!CAUTION]', `> ${refusal}`, '');
  for (const warning of [...warningLines(plan), ...costWarnings(cost).map((w) => w.text), ...notes])
    head.push('> [!WARNING]', `> ${warning}`, '');
  const stopping = plan.actions.filter((a) => a.kind === 'remove' || a.kind === 'suspend');
  if (stopping.length > 0) {
    head.push(
      '> [!WARNING]',
      `> **${stopping.length} collection${stopping.length === 1 ? '' : 's'} will stop harvesting** (data is kept): ${stopping.map((a) => `\`${a.id}\` (${a.kind})`).join(', ')}`,
      '',
    );
  }
  if (!hasChanges(plan)) head.push('No changes. The live system matches `collections/`.');
  const groupLines = streamGroupLines(plan);
  if (groupLines.length > 0) head.push('```diff', ...groupLines, '```', '');
  head.push(...costMarkdown(cost));
  const blocks = plan.actions.map((action) => {
    const { heading, details } = actionLines(action);
    return [`<details><summary><code>${escapeHtml(heading)}</code></summary>`, '', '```diff', ...details, '```', '', '</details>', ''].join(
      '\n',
    );
  });
  let body = `${head.join('\n')}\n`;
  const reserve = 200;
  let shown = 0;
  for (const block of blocks) {
    if (body.length + block.length > limit - reserve) break;
    body += block;
    shown += 1;
  }
  if (shown < blocks.length)
    body += `\n**${blocks.length - shown} more actions are not shown here (the comment would exceed GitHub's ${limit.toLocaleString('en')}-character limit); the workflow log has the full plan.**\n`;
  return body;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
