import type { VolumeEstimate } from '../../reconciler/estimate/estimate-volume.js';

const n = (value: number): string => value.toLocaleString('en');

function heading(estimate: Exclude<VolumeEstimate, { skipped: string }>): string {
  return `Estimated Posts a month (X's recent counts of the last 7 days, scaled to a month), against the ${estimate.accessLevel} access level's cap of ${n(estimate.cap)}`;
}

/** The warning a plan carries when its collections would together take more than the cap; undefined when they would not. */
export function volumeWarning(estimate: VolumeEstimate | undefined): string | undefined {
  if (estimate === undefined || 'skipped' in estimate || !estimate.overCap) return undefined;
  return `Warning: the search and filter collections would take about ${n(estimate.total)} Posts a month, over the ${estimate.accessLevel} cap of ${n(estimate.cap)} a month; once it is reached X refuses every request until the month's reset. Narrow the queries or rules, set max_records, or suspend collections.`;
}

export function volumeText(estimate: VolumeEstimate | undefined): string[] {
  if (estimate === undefined) return [];
  if ('skipped' in estimate) return ['', `Volume estimate skipped: ${estimate.skipped}.`];
  const width = Math.max(...estimate.collections.map((c) => c.id.length), 5);
  const lines = ['', `${heading(estimate)}:`];
  for (const c of estimate.collections) {
    const figure = c.monthly !== undefined ? `~${n(c.monthly)}`.padStart(12) : ''.padStart(12);
    const notes = [c.changed ? 'new or changed' : '', c.note ?? ''].filter((s) => s !== '').join('; ');
    lines.push(`  ${c.changed ? '*' : ' '} ${c.id.padEnd(width)} ${figure}${notes ? `  (${notes})` : ''}`);
  }
  lines.push(
    `    ${'total'.padEnd(width)} ${`~${n(estimate.total)}`.padStart(12)}  of ${n(estimate.cap)} (${percent(estimate.total, estimate.cap)})`,
  );
  return lines;
}

export function volumeMarkdown(estimate: VolumeEstimate | undefined): string[] {
  if (estimate === undefined) return [];
  if ('skipped' in estimate) return [`_Volume estimate skipped: ${estimate.skipped}._`, ''];
  const rows = estimate.collections.map((c) => {
    const notes = [c.changed ? '**new or changed**' : '', c.note ?? ''].filter((s) => s !== '').join('; ');
    return `| \`${c.id}\` | ${c.monthly !== undefined ? n(c.monthly) : '-'} | ${notes} |`;
  });
  return [
    `#### ${heading(estimate)}`,
    '',
    '| collection | Posts a month | |',
    '| --- | ---: | --- |',
    ...rows,
    `| **total** | **${n(estimate.total)}** | of ${n(estimate.cap)} (${percent(estimate.total, estimate.cap)}) |`,
    '',
  ];
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(part / whole < 0.1 ? 1 : 0)} %`;
}
