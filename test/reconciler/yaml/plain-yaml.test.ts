import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { validateCollectionBytes, type FileContext, type FileResult } from '../../../reconciler/desired/validate-file.js';
import { PACKAGE_ROOT } from '../../../platform/paths.js';
import { loadSettings } from '../../../reconciler/settings/settings.js';
import { parsePlainYaml } from '../../../reconciler/yaml/plain-yaml.js';
import { parseYamlSource, TOO_DEEP } from '../../../reconciler/yaml/yaml-source.js';
import { seededRandom, userTimelineYaml } from '../../generators/collection-files.js';
import { tempProject } from '../../helpers/temp-project.js';

// The fast path (js-yaml) may decline any file, but what it accepts must read exactly as the careful,
// position-keeping parser reads it: otherwise `validate` would answer differently depending on the path.

const INVALID_CORPUS = join(PACKAGE_ROOT, 'test', 'reconciler', 'invalid-collections');
const EXAMPLES = join(PACKAGE_ROOT, 'collections');
const yamlIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(dir, name));

/** YAML the two parsers could read differently, or that the careful path refuses. */
const HARD_CASES: Record<string, string> = {
  'core numbers': 'a: 1\nb: -1\nc: +1\nd: 0o17\ne: 0x1F\nf: 1.5\ng: 1e3\nh: .inf\ni: .NaN\nj: 012\nk: -.5\n',
  'unsafe integer': 'a: 9007199254740993\n',
  'largest safe integer': 'a: 9007199254740991\n',
  'YAML 1.1 and other non-core forms': 'a: yes\nb: on\nc: 1_000\nd: 0b11\ne: 1:20\nf: 2026-01-01\ng: 2026-01-01T00:00:00Z\nh: Yes\n',
  'core booleans and nulls': 'a: true\nb: True\nc: TRUE\nd: false\ne: ~\nf: null\ng:\nh: Null\ni: NULL\n',
  'quoted scalars': "a: \"x\\u0041\\x42\\U0001F600\\N\\_\\t\\\\\"\nb: 'it''s'\nc: \"multi\n  line\"\nd: 'single\n\n  folded'\n",
  'block scalars': 'a: |\n  line1\n  line2\n\nb: >\n  folded\n  text\n\n  para\nc: |-\n  x\nd: |+\n  y\n\ne: >2\n   indented\nf: end\n',
  'plain multi-line': 'a: one\n  two\n\n  three\nb: x\n',
  comments: 'a: 1 # c\n# full\nb: "x" # c\nc: x#y\n',
  'flow on one line': 'a: [1, "2", three, \'4\']\nb: {x: 1, y: [a, b]}\nc: []\nd: {}\ne: [a, [b, c]]\n',
  'flow over lines, indented': 'a: [1,\n  2]\nb: {x: 1,\n  y: 2}\n',
  'flow over lines, not indented': 'a: [1,\n2]\n',
  'brackets inside quotes': 'a: [x, "]"\n  "[", y]\nb: "[not flow"\n',
  'brackets in plain text': 'a: x[1]\nb: y{2}\n',
  'numeric and odd keys': '123: a\n"456": b\ntrue: c\n__proto__: d\n007: e\n',
  'unicode text': 'a: "é 😀 مرحبا"\nb: 日本\nc: שלום\n',
  'empty file': '',
  'only a comment': '# nothing\n',
  'a scalar': 'a\n',
  'a list': '- a\n- b\n',
  'null keys': '~: 1\n',
  'the key null': 'null: 1\n',
  'the quoted key null': '"null": 1\n',
  'flow sequence key': '[a]: 1\n',
  'flow mapping key': '{a: 1}: 2\n',
  'explicit key': '? a\n: b\n',
  'explicit collection key': '? [a, b]\n: c\n',
  'anchor and alias': 'a: &x 1\nb: *x\n',
  'anchor only': 'a: &x 1\n',
  'str tag': 'a: !!str 1\n',
  'custom tag': 'a: !foo x\n',
  'merge key': 'a: 1\n<<: {b: 2}\n',
  'YAML 1.1 directive': '%YAML 1.1\n---\na: yes\n',
  'document start': '---\na: 1\n',
  'document end': 'a: 1\n...\n',
  'two documents': 'a: 1\n---\nb: 2\n',
  'tab after colon': 'a:\tb\n',
  'tab indentation': 'a:\n\t- 1\n',
  'key over 1024 characters': `${'k'.repeat(1100)}: 1\n`,
  'value over 1000 characters': `a: ${'v'.repeat(1100)}\n`,
  'nested mapping in a value': 'a: b: c\n',
  'unclosed quote': 'a: "unclosed\n',
  'text after a quote': "a: 'x'y\n",
  'comment without a space': 'a: "b"#c\n',
  'reserved characters': 'a: @x\nb: `y\n',
  'duplicate key': 'a: 1\na: 2\n',
  'duplicate as number and string': '1: a\n"1": b\n',
  'sequence at key indentation': 'a:\n- 1\n- 2\n',
  'sequence item without space': 'a:\n  - 1\n  -2\n',
  'trailing spaces': 'a: b   \nc: "d"   \n',
  'byte order mark': '\uFEFFa: 1\n',
  'deep nesting': `a: ${'['.repeat(2000)}${']'.repeat(2000)}\n`,
  'deep block nesting': Array.from({ length: 60 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n',
  'escaped line break': 'a: "x\\\n  y"\n',
  'escaped slash and unknown escape': 'a: "\\/"\nb: "\\q"\n',
  'colons inside plain text': 'a: b:c\nd: http://x.y/z?q=1#f\n',
  'key with spaces': 'a b: 1\n',
  'indented top level': '  a: 1\n  b: 2\n',
  'inconsistent indentation': 'a:\n  b: 1\n c: 2\n',
  'block scalar, first line more indented': 'a: |\n    x\n  y\n',
  'block scalar keeping trailing lines': 'a: |+\n  x\n\n\n',
  'empty flow entry': 'a: [a, , b]\n',
  'flow trailing comma': 'a: [a, b, ]\n',
  'flow mapping with a bare key': 'a: {b}\n',
  'explicit key in flow': 'a: [? b]\n',
  'dash in flow': 'a: [-b, - c]\n',
  'sequence of mappings': 'a:\n  - b: 1\n    c: 2\n  - d\n',
  'carriage returns only': 'a: 1\rb: 2\r',
  'line separator character': 'a: x\u2028y\nb: "x\u2029y"\n',
  'control characters': 'a: x\u0007y\nb: "\u0085"\n',
  'zero width no-break space inside': 'a: x\uFEFFy\n',
  'cron schedule with stars': 'schedule: cron(0 6 * * ? *)\nquery: a OR b -c "d e"\n',
  'ampersand and exclamation in text': 'query: AT&T OR hello! lang:en\n',
};

const withCrlf = (cases: Record<string, string>): Array<[string, string]> =>
  Object.entries(cases).flatMap(([name, text]) => [
    [name, text],
    [`${name} (CRLF)`, text.replaceAll('\n', '\r\n')],
  ]);

const corpus: Array<[string, string]> = [
  ...withCrlf(HARD_CASES),
  ...[...yamlIn(INVALID_CORPUS), ...yamlIn(EXAMPLES)].flatMap((path) => withCrlf({ [basename(path)]: readFileSync(path, 'utf8') })),
  ['generated 100-user collection', userTimelineYaml('generated', 100, seededRandom(7))],
];

describe('the fast YAML path', () => {
  it('reads the example collections and generated files itself, without the careful parser', () => {
    for (const path of yamlIn(EXAMPLES)) assert.notEqual(parsePlainYaml(readFileSync(path, 'utf8')), undefined, path);
    assert.notEqual(parsePlainYaml(userTimelineYaml('generated', 100, seededRandom(7))), undefined);
    for (const name of ['core booleans and nulls', 'quoted scalars', 'block scalars', 'flow on one line', 'cron schedule with stars']) {
      assert.notEqual(parsePlainYaml(HARD_CASES[name] ?? ''), undefined, name);
    }
  });

  it('declines anchors, aliases, tags, merge keys, directives, document markers and collection keys', () => {
    for (const name of [
      'anchor and alias',
      'anchor only',
      'str tag',
      'custom tag',
      'merge key',
      'YAML 1.1 directive',
      'document start',
      'two documents',
      'flow sequence key',
      'flow mapping key',
      'explicit key',
      'null keys',
      'unsafe integer',
      'core numbers',
      'key over 1024 characters',
      'flow over lines, not indented',
    ]) {
      assert.equal(parsePlainYaml(HARD_CASES[name] ?? ''), undefined, name);
    }
  });

  it('accepts only what the careful parser accepts, and reads it to the same data', () => {
    let accepted = 0;
    for (const [name, text] of corpus) {
      const fast = parsePlainYaml(text);
      if (fast === undefined) continue;
      accepted++;
      const careful = parseYamlSource(name, text);
      assert.deepEqual(careful.problems, [], `${name}: the fast path accepted what the careful parser refuses`);
      assert.deepStrictEqual(fast, careful.source?.data, `${name}: the two paths read different data`);
    }
    assert.ok(accepted >= corpus.length / 3, `the fast path accepted only ${accepted} of ${corpus.length} inputs`);
  });

  it("reports nesting too deep to read once, at the value that holds it, however deep the caller's stack already is", () => {
    const text = HARD_CASES['deep nesting'] ?? '';
    const atDepth = (frames: number): unknown => (frames === 0 ? parseYamlSource('deep.yaml', text).problems : atDepth(frames - 1));
    const expected = [{ file: 'deep.yaml', line: 1, column: 4, rule: 'yaml/too-deep', message: TOO_DEEP, severity: 'error' }];
    for (const frames of [0, 1, 2, 3, 5, 8, 13, 50, 200]) assert.deepStrictEqual(atDepth(frames), expected, `${frames} frames deeper`);
  });

  it('gives validation the same answers, problem for problem, over the invalid corpus and the examples', () => {
    const { settings } = loadSettings(tempProject());
    const context: FileContext = {
      limits: settings.limits,
      accessLevel: settings.accessLevel,
      keepDocument: true,
    };
    const withoutPositions = ({ valid, ...rest }: FileResult): unknown => {
      if (!valid) return rest;
      const { positions: _positions, ...comparable } = valid;
      return { ...rest, valid: comparable };
    };
    let valid = 0;
    for (const [name, text] of corpus) {
      const bytes = new TextEncoder().encode(text);
      const id = basename(name.replace(' (CRLF)', ''), '.yaml');
      const fastFirst = validateCollectionBytes(name, bytes, id, context, 'fast-first');
      const careful = validateCollectionBytes(name, bytes, id, context, 'careful-only');
      assert.deepStrictEqual(withoutPositions(fastFirst), withoutPositions(careful), name);
      if (careful.valid) valid++;
    }
    assert.ok(valid >= yamlIn(EXAMPLES).length * 2, `only ${valid} valid files compared`);
  });
});
