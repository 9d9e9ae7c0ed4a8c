import { basename, extname } from 'node:path';
import { START_OF_FILE, type Position, type Problem } from '../problems.js';
import { readSourceFile } from '../yaml/read-source-file.js';
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

/** A file to check: where it is, how problems name it, and the folder it must resolve inside (when found by walking one). */
export type FileEntry = readonly [path: string, file: string, within?: string | undefined];

/** What the cross-file rules need to know of a collection, with defaults applied. */
export interface CollectionSummary {
  readonly id: string;
  readonly type: CollectionDocument['type'];
  readonly state: 'active' | 'suspended';
  readonly credentials: string;
}

export function validateCollectionFile([path, file, within]: FileEntry, context: FileContext): FileResult {
  const read = readSourceFile(path, within);
  if ('problem' in read) return { file, problems: [{ file, ...START_OF_FILE, ...read.problem, severity: 'error' }] };
  return validateCollectionBytes(file, read.bytes, basename(path, extname(path)), context);
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
