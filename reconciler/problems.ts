import { relative } from 'node:path';

/** A finding about one place in one input file: the unit every validation step reports in. */
export interface Problem {
  readonly file: string;
  /** 1-based, like editors and compilers. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** A stable identifier of the check, for JSON output and tests (e.g. `yaml/alias`). */
  readonly rule: string;
  readonly severity: 'error' | 'warning';
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export const START_OF_FILE: Position = { line: 1, column: 1 };

export function formatProblem(problem: Problem): string {
  const prefix = problem.severity === 'warning' ? 'warning: ' : '';
  return `${problem.file}:${problem.line}:${problem.column}: ${prefix}${problem.message}`;
}

export function countErrors(problems: readonly Problem[]): number {
  return problems.filter((p) => p.severity === 'error').length;
}

export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** A path as problems report it: relative to the working directory, so editors and GitHub annotations open it. */
export function relativeToCwd(path: string, cwd: string): string {
  const shown = relative(cwd, path);
  return shown.startsWith('..') || shown === '' ? path : shown;
}
