import type { Node, Scalar } from 'yaml';
import lazyYaml from './lazy-yaml.cjs';

/** A construct found in the tree, located by its offset in the text. */
export interface Finding {
  readonly rule: string;
  readonly message: string;
  readonly offset: number;
}

const INTEGER_TEXT = /^[-+]?\d+$/;
/** A numeric key reads back as the same text only when written as plain digits (not +5, 0x1F, 1e3). */
const DIGITS = /^\d+$/;
const STRING_TAG = 'tag:yaml.org,2002:str';

/**
 * Turns a parsed YAML tree into plain data and, in the same pass, finds what parses but would be
 * read ambiguously, lossily or unreviewably: aliases and anchors, merge keys, tags, complex or empty
 * keys, numbers too large to read exactly, numeric keys not written as digits, and keys that differ
 * in YAML but not as text (`123` and `"123"`). One pass, because on large files the traversal costs
 * as much as a third of the parse. For the YAML that passes, `data` equals yaml's toJS().
 */
export function readYamlTree(contents: Node, text: string): { data: unknown; findings: Finding[] } {
  const reader = new TreeReader(text);
  const data = reader.read(contents);
  return { data, findings: reader.findingsWithAnchors() };
}

type YamlNodeTests = ReturnType<typeof lazyYaml.loadYaml>;

/** One pass over one tree: the data read so far, and what was found on the way. */
class TreeReader {
  private readonly is: Pick<YamlNodeTests, 'isAlias' | 'isMap' | 'isScalar' | 'isSeq'> = lazyYaml.loadYaml();
  private readonly findings: Finding[] = [];
  private readonly aliased = new Set<string>();
  private readonly anchors: Array<{ readonly name: string; readonly offset: number }> = [];

  constructor(private readonly text: string) {}

  read(node: unknown): unknown {
    const { isAlias, isMap, isScalar, isSeq } = this.is;
    if (isScalar(node)) {
      this.checkScalar(node);
      return node.value;
    }
    if (isMap(node)) {
      this.checkDecorations(node);
      return this.readMap(node.items);
    }
    if (isSeq(node)) {
      this.checkDecorations(node);
      return node.items.map((item) => this.read(item));
    }
    if (isAlias(node)) {
      this.aliased.add(node.source);
      this.add('yaml/alias', `aliases (*${node.source}) are not allowed; write the value out so reviewers see it`, node);
    }
    return null;
  }

  /** What was found, with each anchor no alias used: an alias is reported once, at the alias, since its anchor is part of the same mistake. */
  findingsWithAnchors(): Finding[] {
    const unused = this.anchors.filter(({ name }) => !this.aliased.has(name));
    return [
      ...this.findings,
      ...unused.map(({ name, offset }) => ({
        rule: 'yaml/anchor',
        message: `anchors (&${name}) are not allowed; write values out so reviewers see them`,
        offset,
      })),
    ];
  }

  private readMap(pairs: ReadonlyArray<{ readonly key: unknown; readonly value: unknown }>): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    for (const pair of pairs) {
      const key = this.keyOf(pair.key);
      const value = this.read(pair.value);
      if (key === undefined) continue;
      if (Object.hasOwn(object, key)) {
        this.add('yaml/duplicate-key', `duplicate key "${key}": each key may appear only once`, pair.key as Node);
      } else if (key === '__proto__') {
        // As in toJS: a "__proto__" key is data, never the object's prototype.
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        object[key] = value;
      }
    }
    return object;
  }

  private add(rule: string, message: string, node: Node): void {
    this.findings.push({ rule, message, offset: node.range?.[0] ?? 0 });
  }

  private checkDecorations(node: Node): void {
    const { text } = this;
    const start = node.range?.[0] ?? 0;
    if (node.anchor) this.anchors.push({ name: node.anchor, offset: text.lastIndexOf(`&${node.anchor}`, start) });
    // Unknown tags are reported by the parser already (TAG_RESOLVE_FAILED).
    if (node.tag && node.tag !== STRING_TAG && node.tag.startsWith('tag:yaml.org,2002:')) {
      let offset = text.lastIndexOf('!', start);
      while (text[offset - 1] === '!') offset--;
      const written = /^!\S*/.exec(text.slice(offset))?.[0] ?? node.tag;
      this.findings.push({
        rule: 'yaml/tag',
        message: `YAML tags (${written}) are not allowed; quote the value to make it a string`,
        offset,
      });
    }
  }

  private checkScalar(node: Scalar): void {
    this.checkDecorations(node);
    if (typeof node.value === 'number' && !Number.isSafeInteger(node.value) && Number.isInteger(node.value)) {
      const digits = sourceText(node, this.text);
      if (INTEGER_TEXT.test(digits)) {
        this.add(
          'yaml/unsafe-integer',
          `the number ${digits} is too large to be read exactly (over 2^53) and would silently change; quote it: "${digits}"`,
          node,
        );
      }
    }
  }

  private keyOf(key: unknown): string | undefined {
    const { isAlias, isScalar } = this.is;
    if (!isScalar(key)) {
      if (key !== null && !isAlias(key)) this.add('yaml/complex-key', 'keys must be plain strings or numbers', key as Node);
      return undefined;
    }
    this.checkScalar(key);
    if (key.value === '<<' && key.type === 'PLAIN') {
      this.add('yaml/merge-key', 'merge keys (<<) are not allowed; write the fields out so reviewers see them', key);
    } else if (key.value === null) {
      this.add('yaml/empty-key', 'empty key: every field needs a name', key);
    } else if (typeof key.value === 'number' && !DIGITS.test(sourceText(key, this.text))) {
      const written = sourceText(key, this.text);
      this.add('yaml/numeric-key', `key ${written} is read as the number ${key.value}; quote it if you mean "${written}"`, key);
    }
    return scalarText(key.value);
  }
}

export function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

function sourceText(node: Scalar, text: string): string {
  return node.range ? text.slice(node.range[0], node.range[1]).trim() : String(node.value);
}
