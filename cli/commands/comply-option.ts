import { UserError } from '../../platform/errors.js';
import { latestCompliance, type ComplianceMarks } from '../../curation/compliance/latest-compliance.js';
import type { LeftOutCounts } from '../../curation/compliance/filter-pages.js';
import type { ArchiveStore } from '../../platform/archive/store.js';
import type { ParsedArgs } from '../command.js';

/** What --comply left out, and by which run: one line for download and export. */
export function leftOutSummary(marks: ComplianceMarks, counts: LeftOutCounts): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const why = [...counts.entries()].map(([reason, count]) => `${count} ${reason}`).join(', ');
  return `  --comply: ${total} tweets left out by compliance run ${marks.record.run_id}${why !== '' ? ` (${why})` : ''}`;
}

/** What --comply goes by: the newest finished compliance run; refused when there is none. Undefined without --comply. */
export async function complyOption(args: ParsedArgs, store: ArchiveStore, id: string): Promise<ComplianceMarks | undefined> {
  if (args.values['comply'] !== true) return undefined;
  const marks = await latestCompliance(store, id);
  if (!marks)
    throw new UserError(
      `collection ${id} has no compliance run yet, so --comply has nothing to go by`,
      `run twarc-cloud compliance ${id} first`,
    );
  return marks;
}
