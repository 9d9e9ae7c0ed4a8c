import type { Document, Node } from 'yaml';
import lazyYaml from './lazy-yaml.cjs';
import { START_OF_FILE, type Position, type Problem } from '../problems.js';
import { readYamlTree, scalarText } from './yaml-tree.js';

/**
 * A parsed YAML file that remembers where every value came from, so that any later check can report
 * `file:line:column`. These files are configuration reviewed in pull requests, so YAML features
 * that hide what a value is (anchors, aliases, merge keys, custom tags, several documents) are refused.
 */
export interface YamlSource {
  readonly file: string;
  /** The file's content as plain data (maps keyed by strings). */
  readonly data: unknown;
  /** False when read by the fast path (plain-yaml.ts), which knows no positions: report problems only from an exact source. */
  readonly exact: boolean;
  positionOf(pointer: string, part?: 'key' | 'value'): Position;
  hasValueAt(pointer: string): boolean;
  /** The text a scalar was written as (`0x1F` for the number 31). */
  writtenAt(pointer: string): string | undefined;
  /** The keys of the mapping at `pointer`, as text, in file order. */
  keysAt(pointer: string): string[];
}

/** Configuration is a short list of fields; anything this large is a mistake (about 80,000 users). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export const TOO_DEEP = 'the file nests too deeply to read (hundreds of levels); collection files need only a few';

/** The text of a configuration file, or the problem that keeps it from being read as YAML. */
export function decodeSource(file: string, bytes: Uint8Array): { text: string } | { problem: Problem } {
  const problem = (rule: string, message: string): { problem: Problem } => ({
    problem: { file, ...START_OF_FILE, rule, message, severity: 'error' },
  });
  if (bytes.length > MAX_FILE_BYTES) {
    return problem(
      'file/too-large',
      `file is ${bytes.length} bytes; the limit is ${MAX_FILE_BYTES} bytes (5 MiB); split a large collection into several`,
    );
  }
  const text = decodeText(bytes);
  if (text === undefined) return problem('file/not-text', 'file is not UTF-8 text (binary data?); collection files are YAML text');
  return { text };
}

/** The careful parser: every value keeps its position, and every construct that hides what a value is, is reported. */
export function parseYamlSource(file: string, text: string): { source?: YamlSource; problems: Problem[] } {
  const problems: Problem[] = [];
  const report = (rule: string, message: string, position: Position = START_OF_FILE): void => {
    problems.push({ file, ...position, rule, message, severity: 'error' });
  };

  const { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } = lazyYaml.loadYaml();
  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const documents = parseAllDocuments(text, {
    lineCounter,
    // readYamlTree reports duplicate keys, including those that differ only in YAML (123 and "123").
    uniqueKeys: false,
    prettyErrors: false,
    merge: false,
    version: '1.2',
  });
  const document = documents[0];
  if (document === undefined || document.contents === null) {
    report('yaml/empty', 'file is empty: it needs fields such as `id: ...` and `type: ...`');
    return { problems };
  }
  const second = documents[1];
  if (second !== undefined) {
    report('yaml/multiple-documents', 'a file holds one collection: remove the second YAML document (after ---)', at(second.range[0]));
  }
  const errors = [...document.errors, ...document.warnings];
  // Where the parser runs out of stack depends on how deep the caller's stack already is, so the count
  // and positions of those errors vary from call to call: report one problem at the start instead.
  const overflow = errors.find((error) => isStackOverflow(error.message));
  if (overflow !== undefined) {
    report('yaml/too-deep', TOO_DEEP, at(outermostValueAround(document, overflow.pos[0])));
    return { problems };
  }
  for (const error of errors) {
    report(`yaml/${error.code.toLowerCase().replaceAll('_', '-')}`, yamlErrorMessage(error.code, error.message), at(error.pos[0]));
  }
  if (problems.length > 0) return { problems };

  const contents = document.contents;
  if (!isMap(contents)) {
    const found = isSeq(contents) ? 'a list' : 'a single value';
    report(
      'yaml/not-a-mapping',
      `the file must be a mapping of fields (name: value, one per line), but it is ${found}`,
      at(contents.range[0]),
    );
    return { problems };
  }
  const { data, findings } = readYamlTree(contents, text);
  for (const { message, rule, offset } of findings) report(rule, message, at(offset));
  if (problems.length > 0) return { problems };

  const nodeAt = (pointer: string): Node | undefined => {
    const found = locate(document, pointer);
    return found?.complete ? found.value : undefined;
  };
  const source: YamlSource = {
    file,
    data,
    exact: true,
    hasValueAt: (pointer) => nodeAt(pointer) !== undefined,
    writtenAt: (pointer) => {
      const node = nodeAt(pointer);
      return isScalar(node) ? node.source : undefined;
    },
    keysAt: (pointer) => {
      const node = locate(document, pointer)?.value;
      if (!isMap(node)) return [];
      return node.items.flatMap((pair) => {
        const key = isScalar(pair.key) ? scalarText(pair.key.value) : undefined;
        return key === undefined ? [] : [key];
      });
    },
    positionOf: (pointer, part = 'value') => {
      const found = locate(document, pointer);
      const node = part === 'key' ? (found?.key ?? found?.value) : found?.value;
      return node?.range ? at(node.range[0]) : START_OF_FILE;
    },
  };
  return { source, problems };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function decodeText(bytes: Uint8Array): string | undefined {
  try {
    const text = UTF8.decode(bytes);
    return text.includes('\u0000') ? undefined : text;
  } catch {
    return undefined;
  }
}

function yamlErrorMessage(code: string, message: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation in YAML; indent with spaces';
    case 'TAG_RESOLVE_FAILED':
      return `${message}; custom YAML tags are not allowed`;
    default:
      return `YAML syntax error: ${message.replace(/\.$/, '')}`;
  }
}

/** Where the top-level value holding `offset` starts (the file's start when none does), a place that does not move with the stack. */
function outermostValueAround(document: Document.Parsed, offset: number): number {
  const { isMap } = lazyYaml.loadYaml();
  if (!isMap(document.contents)) return 0;
  for (const pair of document.contents.items) {
    const range = (pair.value as Node | null)?.range;
    if (range && range[0] <= offset && offset <= range[1]) return range[0];
  }
  return 0;
}

/** The parser recurses per nesting level and reports running out of stack as an error. */
function isStackOverflow(message: string): boolean {
  return message.includes('Maximum call stack size exceeded');
}

interface Located {
  readonly key?: Node;
  readonly value?: Node;
  /** False when the pointer leads past the document and this is the deepest node that exists. */
  readonly complete: boolean;
}

/** Follows a JSON pointer (as ajv reports it) through the YAML tree; stops at the deepest node found. */
function locate(document: Document.Parsed, pointer: string): Located | undefined {
  if (!document.contents) return undefined;
  const { isMap, isScalar, isSeq } = lazyYaml.loadYaml();
  let current: Located = { value: document.contents, complete: true };
  if (pointer === '') return current;
  const partial = (): Located => ({ ...current, complete: false });
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const node = current.value;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) return partial();
      current = { key: pair.key as Node, value: (pair.value as Node | null) ?? (pair.key as Node), complete: true };
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) return partial();
      current = { value: item, complete: true };
    } else {
      return partial();
    }
  }
  return current;
}
