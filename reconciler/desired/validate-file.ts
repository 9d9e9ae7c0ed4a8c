import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Position, Problem } from '../problems.js';
import { validateYamlFile } from '../validation/validated-yaml.js';
import type { CollectionDocument } from './collection.js';
import { semanticProblems, type CheckContext } from './semantic-checks.js';

/**
 * Everything later steps need from one checked file, as plain data so it can cross from a worker thread.
 */
export interface FileResult {
  readonly file: string;
  readonly problems: Problem[];
  /** Present only when the file has no problems of its own. */
  readonly valid?: {
    readonly document: CollectionDocument;
    /** Where cross-file problems are reported: the id, and the credentials (or the type when defaulted). */
    readonly idAt: Position;
    readonly credentialsAt: Position;
  };
}

export type FileContext = Omit<CheckContext, 'expectedId'>;

export function validateCollectionFile(path: string, file: string, context: FileContext): FileResult {
  const validated = validateYamlFile(file, readFileSync(path), 'collection');
  const source = validated.source;
  if (!source) return { file, problems: validated.problems };
  const document = source.data as CollectionDocument;
  const problems = semanticProblems(source, document, { ...context, expectedId: basename(path, extname(path)) });
  if (problems.length > 0) return { file, problems };
  return {
    file,
    problems,
    valid: {
      document,
      idAt: source.positionOf('/id'),
      credentialsAt: source.positionOf(source.nodeAt('/credentials') ? '/credentials' : '/type'),
    },
  };
}
