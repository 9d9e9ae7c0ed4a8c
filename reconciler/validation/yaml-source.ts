import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { START_OF_FILE, type Position, type Problem } from '../problems.js';

/**
 * A parsed YAML file that remembers where every value came from, so that any later check can report
 * `file:line:column`. These files are configuration reviewed in pull requests, so YAML features
 * that hide what a value is (anchors, aliases, merge keys, custom tags, several documents) are refused.
 */
export interface YamlSource {
  readonly file: string;
  readonly document: Document.Parsed;
  /** The file's content as plain data (maps keyed by strings). */
  readonly data: unknown;
  positionOf(pointer: string, part?: 'key' | 'value'): Position;
  nodeAt(pointer: string): Node | undefined;
  /** The keys of the mapping at `pointer`, as text, in file order. */
  keysAt(pointer: string): string[];
}

/** Configuration is a short list of fields; anything this large is a mistake (about 80,000 users). */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

const MAX_SAFE_DIGITS = /^[-+]?\d+$/;

export const TOO_DEEP = 'the file nests too deeply to read (hundreds of levels); collection files need only a few';

export function parseYamlSource(file: string, bytes: Uint8Array): { source?: YamlSource; problems: Problem[] } {
  const problems: Problem[] = [];
  const report = (rule: string, message: string, position: Position = START_OF_FILE): void => {
    problems.push({ file, ...position, rule, message, severity: 'error' });
  };

  if (bytes.length > MAX_FILE_BYTES) {
    report('file/too-large', `file is ${bytes.length} bytes; the limit is ${MAX_FILE_BYTES} bytes (5 MiB); split a large collection into several`);
    return { problems };
  }
  const text = decodeText(bytes);
  if (text === undefined) {
    report('file/not-text', 'file is not UTF-8 text (binary data?); collection files are YAML text');
    return { problems };
  }

  const lineCounter = new LineCounter();
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const documents = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
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
  for (const error of [...document.errors, ...document.warnings]) {
    report(`yaml/${error.code.toLowerCase().replaceAll('_', '-')}`, yamlErrorMessage(error.code, error.message, text, error.pos), at(error.pos[0]));
  }
  if (problems.length > 0) return { problems };

  for (const { message, rule, offset } of unsafeConstructs(document, text)) report(rule, message, at(offset));
  if (problems.length > 0) return { problems };

  const source: YamlSource = {
    file,
    document,
    data: document.toJS({ maxAliasCount: 0 }),
    nodeAt: (pointer) => {
      const found = locate(document, pointer);
      return found?.complete ? found.value : undefined;
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

function decodeText(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return text.includes('\u0000') ? undefined : text;
  } catch {
    return undefined;
  }
}

function yamlErrorMessage(code: string, message: string, text: string, pos: [number, number]): string {
  switch (code) {
    case 'DUPLICATE_KEY': {
      const key = /^("[^"]*"|'[^']*'|[^:\s]+)/.exec(text.slice(pos[0]))?.[0] ?? '';
      return `duplicate key ${key.startsWith('"') ? key : JSON.stringify(key.replace(/^'|'$/g, ''))}: each key may appear only once`;
    }
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation in YAML; indent with spaces';
    case 'TAG_RESOLVE_FAILED':
      return `${message}; custom YAML tags are not allowed`;
    default:
      // The parser recurses per nesting level and reports running out of stack as an error.
      if (message.includes('Maximum call stack size exceeded')) return TOO_DEEP;
      return `YAML syntax error: ${message.replace(/\.$/, '')}`;
  }
}

interface Finding {
  readonly rule: string;
  readonly message: string;
  readonly offset: number;
}

/** YAML that parses but would be read ambiguously, lossily or unreviewably. */
function unsafeConstructs(document: Document.Parsed, text: string): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, message: string, node: Node): void => {
    findings.push({ rule, message, offset: node.range?.[0] ?? 0 });
  };

  const contents = document.contents;
  if (contents && !isMap(contents)) {
    const found = isSeq(contents) ? 'a list' : 'a single value';
    add('yaml/not-a-mapping', `the file must be a mapping of fields (name: value, one per line), but it is ${found}`, contents);
    return findings;
  }

  // An alias is reported once, at the alias; its anchor is part of the same mistake.
  const aliased = new Set<string>();
  visit(document, {
    Alias(_key, node) {
      aliased.add(node.source);
      add('yaml/alias', `aliases (*${node.source}) are not allowed; write the value out so reviewers see it`, node);
    },
  });
  const checkDecorations = (node: Node): void => {
    const start = node.range?.[0] ?? 0;
    if (node.anchor && !aliased.has(node.anchor)) {
      findings.push({ rule: 'yaml/anchor', message: `anchors (&${node.anchor}) are not allowed; write values out so reviewers see them`, offset: text.lastIndexOf(`&${node.anchor}`, start) });
    }
    if (node.tag && node.tag !== 'tag:yaml.org,2002:str' && isKnownTag(node)) {
      let offset = text.lastIndexOf('!', start);
      while (text[offset - 1] === '!') offset--;
      const written = /^!\S*/.exec(text.slice(offset))?.[0] ?? node.tag;
      findings.push({ rule: 'yaml/tag', message: `YAML tags (${written}) are not allowed; quote the value to make it a string`, offset });
    }
  };

  visit(document, {
    Pair(_key, pair) {
      const key = pair.key;
      if (!isScalar(key)) {
        if (key !== null && !isAlias(key)) add('yaml/complex-key', 'keys must be plain strings or numbers', key as Node);
        return;
      }
      if (key.value === '<<' && key.type === 'PLAIN') {
        add('yaml/merge-key', 'merge keys (<<) are not allowed; write the fields out so reviewers see them', key);
      } else if (key.value === null) {
        add('yaml/empty-key', 'empty key: every field needs a name', key);
      } else if (typeof key.value === 'number' && !isPlainDecimal(key, text)) {
        add('yaml/numeric-key', `key ${sourceText(key, text)} is read as the number ${key.value}; quote it if you mean "${sourceText(key, text)}"`, key);
      }
    },
    Scalar(_key, node) {
      checkDecorations(node);
      if (typeof node.value === 'number' && MAX_SAFE_DIGITS.test(sourceText(node, text)) && !Number.isSafeInteger(node.value)) {
        const digits = sourceText(node, text);
        add('yaml/unsafe-integer', `the number ${digits} is too large to be read exactly (over 2^53) and would silently change; quote it: "${digits}"`, node);
      }
    },
    Map(_key, node) {
      checkDecorations(node);
      findings.push(...keysEqualAsText(node));
    },
    Seq(_key, node) {
      checkDecorations(node);
    },
  });
  return findings;
}

/** `12345` and `"12345"` are different YAML keys but the same field (or user id) once read. */
function keysEqualAsText(map: YAMLMap): Finding[] {
  const seen = new Map<string, Scalar>();
  const findings: Finding[] = [];
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const text = scalarText(pair.key.value);
    if (text === undefined) continue;
    if (seen.has(text)) {
      findings.push({ rule: 'yaml/duplicate-key', message: `duplicate key "${text}": each key may appear only once`, offset: pair.key.range?.[0] ?? 0 });
    } else {
      seen.set(text, pair.key);
    }
  }
  return findings;
}

/** Unknown tags are already reported by the parser (TAG_RESOLVE_FAILED). */
function isKnownTag(node: Node): boolean {
  return node.tag?.startsWith('tag:yaml.org,2002:') === true;
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function sourceText(node: Scalar, text: string): string {
  return node.range ? text.slice(node.range[0], node.range[1]).trim() : String(node.value);
}

/** Digits only; whether the number fits is the unsafe-integer check's concern. */
function isPlainDecimal(node: Scalar, text: string): boolean {
  return /^\d+$/.test(sourceText(node, text));
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
  let current: Located = { value: document.contents, complete: true };
  if (pointer === '') return current;
  const partial = (): Located => ({ ...current, complete: false });
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const node = current.value;
    if (isMap(node)) {
      const pair = (node.items).find((p) => isScalar(p.key) && String(p.key.value) === segment);
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
