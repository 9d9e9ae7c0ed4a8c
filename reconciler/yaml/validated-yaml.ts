import type { Problem } from '../problems.js';
import { schemaValidator } from '../../platform/schema-validation.js';
import { parseYamlSource, TOO_DEEP, type YamlSource } from './yaml-source.js';

/**
 * Parses a YAML file and validates it against `schemas/<schemaName>.schema.json`, reporting every
 * problem at its line and column. `source` is returned only when the file satisfies the schema, so
 * callers can trust its shape.
 */
export function validateYamlFile(file: string, bytes: Uint8Array, schemaName: string): { source?: YamlSource; problems: Problem[] } {
  const parsed = parseYamlSource(file, bytes);
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
  return problems.length === 0 ? { source, problems } : { problems };
}
