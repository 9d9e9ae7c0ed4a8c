import { basename, extname } from 'node:path';
import { START_OF_FILE, type Position, type Problem } from '../problems.js';
import { readSourceFile } from '../yaml/read-source-file.js';
import { validateYamlFile, type ParsePath } from '../yaml/validated-yaml.js';
import { decodeSource, parseYamlSource, type YamlSource } from '../yaml/yaml-source.js';
import { DEFAULT_CREDENTIALS, DEFAULT_STATE, type CollectionDocument } from './collection.js';
import { desiredKind } from './kinds.js';
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
    /** Absent when the file was read by the fast path, which knows no positions (see collectionPositions). */
    readonly positions?: CollectionPositions;
  };
}

/** Where cross-file problems are reported: the id, and the credentials (or the type when defaulted). */
export interface CollectionPositions {
  readonly idAt: Position;
  readonly credentialsAt: Position;
  /** Each written stream rule's value, in order (filter collections); rules compiled from track and follow are at `compiledAt`. */
  readonly rulesAt: readonly Position[];
  readonly compiledAt: Position;
}

function positionsOf(source: YamlSource): CollectionPositions {
  const rules = (source.data as Partial<CollectionDocument>).rules;
  return {
    idAt: source.positionOf('/id'),
    credentialsAt: source.positionOf(source.hasValueAt('/credentials') ? '/credentials' : '/type'),
    rulesAt: Array.isArray(rules) ? rules.map((_, index) => source.positionOf(`/rules/${index}/value`)) : [],
    compiledAt: source.positionOf(source.hasValueAt('/track') ? '/track' : source.hasValueAt('/follow') ? '/follow' : '/type'),
  };
}

/** The positions of a valid file read by the fast path: read again, carefully; only needed to report a cross-file problem. */
export function collectionPositions([path, file, within]: FileEntry): CollectionPositions {
  const read = readSourceFile(path, within);
  const decoded = 'bytes' in read ? decodeSource(file, read.bytes) : undefined;
  const source = decoded && 'text' in decoded ? parseYamlSource(file, decoded.text).source : undefined;
  // The file changed since it was validated: its start is the best place left to point at.
  return source ? positionsOf(source) : { idAt: START_OF_FILE, credentialsAt: START_OF_FILE, rulesAt: [], compiledAt: START_OF_FILE };
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
  /** A filter collection's stream rules as X gets them: those written, then those compiled from track and follow. */
  readonly rules: readonly string[];
  /** It has a compliance schedule, which some targets make a resource of its own for. */
  readonly compliance: boolean;
}

export function validateCollectionFile([path, file, within]: FileEntry, context: FileContext): FileResult {
  const read = readSourceFile(path, within);
  if ('problem' in read) return { file, problems: [{ file, ...START_OF_FILE, ...read.problem, severity: 'error' }] };
  return validateCollectionBytes(file, read.bytes, basename(path, extname(path)), context);
}

/** Every check of one collection file, on its content; `expectedId` is the file name's stem. */
export function validateCollectionBytes(
  file: string,
  bytes: Uint8Array,
  expectedId: string,
  context: FileContext,
  path: ParsePath = 'fast-first',
): FileResult {
  const checks = (source: YamlSource): Problem[] => semanticProblems(source, source.data as CollectionDocument, { ...context, expectedId });
  const { source, problems } = validateYamlFile(file, bytes, 'collection', checks, path);
  if (!source) return { file, problems };
  const document = source.data as CollectionDocument;
  return {
    file,
    problems,
    valid: {
      summary: {
        id: document.id,
        type: document.type,
        state: document.state ?? DEFAULT_STATE,
        credentials: document.credentials ?? DEFAULT_CREDENTIALS,
        rules: desiredKind(document.type).streamRules?.(document, context.limits.streamRuleLength) ?? [],
        compliance: document.compliance !== undefined,
      },
      ...(context.keepDocument ? { document } : {}),
      ...(source.exact ? { positions: positionsOf(source) } : {}),
    },
  };
}
