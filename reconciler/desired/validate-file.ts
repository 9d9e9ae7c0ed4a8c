import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Position, Problem } from '../problems.js';
import { validateYamlFile } from '../yaml/validated-yaml.js';
import { DEFAULT_CREDENTIALS, DEFAULT_STATE, type CollectionDocument } from './collection.js';
import { semanticProblems, type CheckContext } from './semantic-checks.js';

/**
 * Everything later steps need from one checked file, as plain data so it can cross from a worker thread.
 */
export interface FileResult {
  readonly file: string;
  readonly problems: Problem[];
  /** Present only when the file has no problems of its own. */
  readonly valid?: {
    readonly summary: CollectionSummary;
    /** Only when asked for: sending thousands of documents back from workers costs time. */
    readonly document?: CollectionDocument;
    /** Where cross-file problems are reported: the id, and the credentials (or the type when defaulted). */
    readonly idAt: Position;
    readonly credentialsAt: Position;
  };
}

export type FileContext = Omit<CheckContext, 'expectedId'> & { readonly keepDocument: boolean };

/** What the cross-file rules need to know of a collection, with defaults applied. */
export interface CollectionSummary {
  readonly id: string;
  readonly type: CollectionDocument['type'];
  readonly state: 'active' | 'suspended';
  readonly credentials: string;
}

export function validateCollectionFile(path: string, file: string, context: FileContext): FileResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    return {
      file,
      problems: [{ file, line: 1, column: 1, rule: 'file/unreadable', severity: 'error', message: `cannot read the file (${reason})` }],
    };
  }
  return validateCollectionBytes(file, bytes, basename(path, extname(path)), context);
}

/** Every check of one collection file, on its content; `expectedId` is the file name's stem. */
export function validateCollectionBytes(file: string, bytes: Uint8Array, expectedId: string, context: FileContext): FileResult {
  const validated = validateYamlFile(file, bytes, 'collection');
  const source = validated.source;
  if (!source) return { file, problems: validated.problems };
  const document = source.data as CollectionDocument;
  const problems = semanticProblems(source, document, { ...context, expectedId });
  if (problems.length > 0) return { file, problems };
  return {
    file,
    problems,
    valid: {
      summary: {
        id: document.id,
        type: document.type,
        state: document.state ?? DEFAULT_STATE,
        credentials: document.credentials ?? DEFAULT_CREDENTIALS,
      },
      ...(context.keepDocument ? { document } : {}),
      idAt: source.positionOf('/id'),
      credentialsAt: source.positionOf(source.nodeAt('/credentials') ? '/credentials' : '/type'),
    },
  };
}
