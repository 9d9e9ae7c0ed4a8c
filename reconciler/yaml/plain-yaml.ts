import jsYaml from 'js-yaml';
import { START_OF_FILE } from '../problems.js';
import type { YamlSource } from './yaml-source.js';

/*
 * The fast path for reading configuration. `yaml` keeps a node for every value so that problems can be
 * reported at their line and column, and that costs about six times what js-yaml needs to read the
 * same file. Almost every file in a repository is valid, and a valid file needs no positions; so a
 * file is first read with js-yaml, and only when that path cannot vouch for it (it declines, or the
 * file has problems to report) is it read again by the position-keeping parser (yaml-source.ts).
 *
 * The fast path may decline anything, but whatever it accepts must read exactly as the careful path
 * reads it, and be refused by neither. So it declines, by looking at the text before parsing:
 * anchors, aliases, tags and directives (which the careful path refuses or that change how values
 * read), explicit and collection keys, document markers, tabs, lines long enough to hold an implicit
 * key over 1,024 characters, and flow collections spread over lines (where the two parsers' indentation
 * rules differ); and, while parsing, every scalar that YAML 1.2's core schema reads as a number unless
 * it is plain digits within 2^53, null keys, and
 * data nested deeper than configuration needs. test/reconciler/yaml/plain-yaml.test.ts holds the two
 * paths to this over the whole invalid corpus and a list of hard cases.
 */

/** Parses `text` when the fast path can vouch for it; undefined means: use the careful parser. */
export function parsePlainYaml(text: string): Record<string, unknown> | undefined {
  if (!isPlainText(text)) return undefined;
  let data: unknown;
  try {
    data = jsYaml.load(text, { schema: CORE_1_2_DIGITS_ONLY });
  } catch {
    return undefined; // a mistake, or a form the fast path declines: the careful parser says which
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  if (!isPlainData(data, 0)) return undefined;
  return data as Record<string, unknown>;
}

/** A YamlSource for data read by the fast path: it knows no positions, so problems are never reported from it. */
export function plainSource(file: string, data: Record<string, unknown>): YamlSource {
  return {
    file,
    data,
    exact: false,
    positionOf: () => START_OF_FILE,
    hasValueAt: (pointer) => valueAt(data, pointer) !== undefined,
    // Numeric keys come first in object order, not file order; callers use this order only for reporting.
    keysAt: (pointer) => {
      const value = valueAt(data, pointer);
      return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    },
    // Every number the fast path accepts was written as plain digits, so its text is the number's.
    writtenAt: (pointer) => {
      const value = valueAt(data, pointer);
      return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? String(value) : undefined;
    },
  };
}

const MAX_PLAIN_LINE = 1000;
/** Tabs, and carriage returns that end lines alone (old Mac style), on which the parsers' rules differ. */
const UNUSUAL_WHITESPACE = /\t|\r(?!\n)/;
/** A node property (anchor, tag) or an alias where a node can begin: at a line's start, or after an indicator. */
const NODE_PROPERTY = /(?:^[ \t]*|[:,[{-][ \t]+|[[{,])[&!*]/m;
/**
 * `? key`, a key that is a flow collection (`[a]: b`), a directive, a document marker, or a comment
 * not separated from a quoted value or a flow collection (`"a"#b`: js-yaml reads it, yaml refuses it).
 */
const STRUCTURE = /(?:^[ \t]*|[,[{][ \t]*)\?(?:[ \t]|$)|[\]}][ \t]*:|^%|^(?:---|\.\.\.)(?:[ \t]|$)|[^\s[{,]["']#|[\]}]#/m;

function isPlainText(text: string): boolean {
  if (UNUSUAL_WHITESPACE.test(text) || NODE_PROPERTY.test(text) || STRUCTURE.test(text)) return false;
  for (const line of text.split('\n')) {
    if (line.length > MAX_PLAIN_LINE) return false;
    if (line.includes('[') || line.includes('{')) {
      if (count(line, '[') !== count(line, ']') || count(line, '{') !== count(line, '}')) return false;
    } else if (line.includes(']') || line.includes('}')) {
      return false;
    }
  }
  return true;
}

function count(line: string, character: string): number {
  let found = 0;
  for (let at = line.indexOf(character); at !== -1; at = line.indexOf(character, at + 1)) found++;
  return found;
}

/** Configuration nests a few levels; deeper data is left to the careful parser, which reports it as too deep. */
const MAX_PLAIN_DEPTH = 32;

/**
 * No null key (js-yaml reads `~: x` as the key "null"), no merge key (a plain key "<<" in the core schema),
 * both refused by the careful path; and not too deep.
 */
function isPlainData(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth > MAX_PLAIN_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => isPlainData(item, depth + 1));
  return Object.entries(value).every(([key, inner]) => key !== 'null' && key !== '<<' && isPlainData(inner, depth + 1));
}

function valueAt(data: unknown, pointer: string): unknown {
  let current = data;
  for (const raw of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    current = Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return current;
}

/** Declines a scalar: thrown inside js-yaml, it makes the fast path hand the file to the careful parser. */
class Declined extends Error {}
const decline = (): never => {
  throw new Declined();
};

const CORE_NUMBER = new RegExp(
  [
    /^[-+]?[0-9]+$/,
    /^0o[0-7]+$/,
    /^0x[0-9a-fA-F]+$/,
    /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  ]
    .map((pattern) => pattern.source)
    .join('|'),
);

/*
 * YAML 1.2's core schema (spec 10.3.2), as `yaml` applies it, resolving exactly the same plain scalars;
 * what the fast path does not vouch for is resolved too, and then declined rather than read as a string.
 */
const CORE_1_2_DIGITS_ONLY = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsYaml.Type('tag:yaml.org,2002:null', {
      kind: 'scalar',
      resolve: (text: string) => /^(?:~|null|Null|NULL)?$/.test(text),
      construct: () => null,
    }),
    new jsYaml.Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (text: string) => /^(?:true|True|TRUE|false|False|FALSE)$/.test(text),
      construct: (text: string) => text === 'true' || text === 'True' || text === 'TRUE',
    }),
    new jsYaml.Type('tag:yaml.org,2002:int', {
      kind: 'scalar',
      // Every core-schema number: ints with a sign, octal, hex; floats, .inf, .nan.
      resolve: (text: string) => CORE_NUMBER.test(text),
      construct: (text: string) => {
        if (!/^[0-9]+$/.test(text)) return decline();
        const value = Number(text);
        return Number.isSafeInteger(value) ? value : decline();
      },
    }),
  ],
});
