import type { Problem } from '../problems.js';
import { schemaValidator } from '../../platform/schema-validation.js';
import { parsePlainYaml, plainSource } from './plain-yaml.js';
import { decodeSource, parseYamlSource, TOO_DEEP, type YamlSource } from './yaml-source.js';

/** Checks beyond the schema, run on a schema-valid source; positions come from `source.positionOf`. */
export type SourceChecks = (source: YamlSource) => Problem[];

export type ParsePath = 'fast-first' | 'careful-only';

/**
 * Parses a YAML file and validates it against `schemas/<schemaName>.schema.json` and `checks`,
 * reporting every problem at its line and column. `source` is returned only when the file has no
 * problems, so callers can trust its shape.
 *
 * A file is read by the fast path first; when it is declined there, or has any problem, it is read
 * again by the careful parser, which alone reports problems (see plain-yaml.ts). `careful-only` skips
 * the fast path, for the test that holds the two to the same answers.
 */
export function validateYamlFile(
  file: string,
  bytes: Uint8Array,
  schemaName: string,
  checks: SourceChecks = () => [],
  path: ParsePath = 'fast-first',
): { source?: YamlSource; problems: Problem[] } {
  const decoded = decodeSource(file, bytes);
  if ('problem' in decoded) return { problems: [decoded.problem] };
  if (path === 'fast-first') {
    const data = parsePlainYaml(decoded.text);
    if (data !== undefined && schemaValidator(schemaName).accepts(data)) {
      const source = plainSource(file, data);
      if (checks(source).length === 0) return { source, problems: [] };
    }
  }
  return validateCarefully(file, decoded.text, schemaName, checks);
}

function validateCarefully(
  file: string,
  text: string,
  schemaName: string,
  checks: SourceChecks,
): { source?: YamlSource; problems: Problem[] } {
  const parsed = parseYamlSource(file, text);
  const source = parsed.source;
  if (!source) return { problems: parsed.problems };
  let issues;
  try {
    issues = schemaValidator(schemaName).issues(source.data);
  } catch (error) {
    // Nesting just under the parser's limit can still exhaust the stack in the validator.
    if (!(error instanceof RangeError)) throw error;
    return { problems: [{ file, line: 1, column: 1, rule: 'yaml/too-deep', message: TOO_DEEP, severity: 'error' }] };
  }
  const problems: Problem[] = issues.map((issue) => ({
    file,
    ...source.positionOf(issue.pointer, issue.part),
    rule: issue.rule,
    message: issue.message,
    severity: 'error',
  }));
  if (problems.length > 0) return { problems };
  const checked = checks(source);
  return checked.length === 0 ? { source, problems: [] } : { problems: checked };
}
