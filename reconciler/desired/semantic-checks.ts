import type { Problem } from '../problems.js';
import { parseSchedule } from '../schedule/schedule-expression.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import type { CollectionDocument } from './collection-fields.js';
import type { CheckContext, Report } from './desired-kind.js';
import { desiredKind } from './kinds.js';

export type { CheckContext } from './desired-kind.js';

/** Rules about one collection file that JSON Schema cannot express. Runs on schema-valid documents. */
export function semanticProblems(source: YamlSource, doc: CollectionDocument, context: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (pointer, rule, message, part = 'value') => {
    problems.push({ file: source.file, ...source.positionOf(pointer, part), rule, message, severity: 'error' });
  };

  if (doc.id !== context.expectedId) {
    report(
      '/id',
      'id/file-name',
      `id "${doc.id}" must equal the file name "${context.expectedId}"; rename the file to ${doc.id}.yaml or change the id`,
    );
  }
  for (const [pointer, schedule] of [
    ['/schedule', doc.schedule],
    ['/compliance/schedule', doc.compliance?.schedule],
  ] as const) {
    if (schedule === undefined) continue;
    const parsed = parseSchedule(schedule);
    if (!parsed.ok) report(pointer, 'schedule/syntax', parsed.message);
  }

  desiredKind(doc.type).check(doc, { source, context, report });
  return problems;
}
