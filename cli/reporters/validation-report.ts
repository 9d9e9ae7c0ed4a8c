import { countErrors, formatProblem, sortProblems, type Problem } from '../../reconciler/problems.js';
import type { CliIo } from '../io.js';

export interface ValidationReport {
  readonly files: readonly string[];
  readonly problems: readonly Problem[];
}

export const REPORT_FORMATS = ['text', 'json', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** GitHub shows at most this many error (and, separately, warning) annotations per step. */
export const GITHUB_ANNOTATION_LIMIT = 10;

export async function writeValidationReport(report: ValidationReport, format: ReportFormat, io: CliIo): Promise<void> {
  const problems = sortProblems(report.problems);
  switch (format) {
    case 'text':
      for (const problem of problems) io.out(formatProblem(problem));
      io.out(summaryLine(report));
      return;
    case 'json':
      io.out(
        JSON.stringify(
          {
            valid: countErrors(problems) === 0,
            files: report.files,
            errors: countErrors(problems),
            warnings: problems.length - countErrors(problems),
            problems,
          },
          null,
          2,
        ),
      );
      return;
    case 'github':
      await writeGithubReport(report, problems, io);
      return;
  }
}

export function summaryLine(report: ValidationReport): string {
  const errors = countErrors(report.problems);
  const files = `${report.files.length} collection file${report.files.length === 1 ? '' : 's'}`;
  if (errors === 0) return `${files} valid.`;
  const failing = new Set(report.problems.filter((p) => p.severity === 'error').map((p) => p.file)).size;
  return `${errors} error${errors === 1 ? '' : 's'} in ${failing} file${failing === 1 ? '' : 's'} (${files} checked).`;
}

async function writeGithubReport(report: ValidationReport, problems: readonly Problem[], io: CliIo): Promise<void> {
  // Loaded only here: it costs more start-up time than the rest of the CLI.
  const core = await import('@actions/core');
  for (const severity of ['error', 'warning'] as const) {
    const ofSeverity = problems.filter((p) => p.severity === severity);
    for (const problem of ofSeverity.slice(0, GITHUB_ANNOTATION_LIMIT)) {
      const properties = { title: problem.rule, file: problem.file, startLine: problem.line, startColumn: problem.column };
      if (severity === 'error') core.error(problem.message, properties);
      else core.warning(problem.message, properties);
    }
    const hidden = ofSeverity.length - GITHUB_ANNOTATION_LIMIT;
    if (hidden > 0)
      io.out(
        `${hidden} more ${severity}s are not annotated (GitHub shows ${GITHUB_ANNOTATION_LIMIT} per step); all are listed in the job summary and below.`,
      );
  }
  for (const problem of problems) io.out(formatProblem(problem));
  io.out(summaryLine(report));
  if (!io.env['GITHUB_STEP_SUMMARY']) return;
  core.summary.addHeading('twarc-cloud validate', 2).addRaw(summaryLine(report), true);
  if (problems.length > 0) {
    core.summary.addTable([
      [
        { data: 'File', header: true },
        { data: 'Line', header: true },
        { data: 'Problem', header: true },
      ],
      ...problems.map((p) => [p.file, `${p.line}:${p.column}`, `${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`]),
    ]);
  }
  try {
    await core.summary.write();
  } catch (error) {
    io.err(`twarc-cloud: warning: could not write the job summary: ${error instanceof Error ? error.message : String(error)}`);
  }
}
