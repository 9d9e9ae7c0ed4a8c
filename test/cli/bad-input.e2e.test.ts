import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertNoCrash, runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

// Whatever lands in collections/, validate answers with file:line:column and exit 1, never a crash.
const BILLION_LAUGHS = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...Array.from({ length: 8 }, (_, i) => {
    const name = String.fromCharCode(98 + i);
    const previous = String.fromCharCode(97 + i);
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`;
  }),
].join('\n');

const CASES: Array<[string, string | Uint8Array, RegExp]> = [
  [
    'binary junk',
    Uint8Array.from(
      randomBytes(4096)
        .map((b) => (b === 0 ? 1 : b))
        .fill(0, 100, 101),
    ),
    /^collections\/bad\.yaml:1:1: file is not UTF-8 text/m,
  ],
  ['invalid UTF-8', Uint8Array.from([0x69, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), /^collections\/bad\.yaml:1:1: file is not UTF-8 text/m],
  [
    'a 10 MB file',
    `id: bad\ntype: search\nquery: x\ndescription: "${'x'.repeat(10 * 1024 * 1024)}"\n`,
    /^collections\/bad\.yaml:1:1: file is 1048\d{4} bytes; the limit is 5242880 bytes \(5 MiB\)/m,
  ],
  ['an empty file', '', /^collections\/bad\.yaml:1:1: file is empty/m],
  ['only comments', '# nothing here\n', /^collections\/bad\.yaml:1:1: file is empty/m],
  ['JSON-looking junk', '{{{ not: yaml', /^collections\/bad\.yaml:\d+:\d+: YAML syntax error/m],
  ['a YAML list', '- id: bad\n- type: search\n', /^collections\/bad\.yaml:1:1: the file must be a mapping of fields .* but it is a list/m],
  ['a bare string', 'hello', /^collections\/bad\.yaml:1:1: the file must be a mapping of fields .* but it is a single value/m],
  ['a billion laughs', BILLION_LAUGHS, /^collections\/bad\.yaml:2:\d+: aliases \(\*a\) are not allowed/m],
  [
    'deep nesting',
    `id: bad\ntype: search\nquery: x\nlabels: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
    /^collections\/bad\.yaml:4:9: the file nests too deeply to read/m,
  ],
  [
    'nesting just under the parser limit',
    `id: bad\ntype: search\nquery: x\nlabels: ${'['.repeat(700)}${']'.repeat(700)}\n`,
    /^collections\/bad\.yaml:4:9: must be an object, not a list/m,
  ],
  ['a UTF-8 byte order mark', '\uFEFFid: bad\ntype: search\nquery: x\n', /^1 collection file valid\.$/m],
  [
    'Windows line endings',
    'id: bad\r\ntype: search\r\nquery: x\r\nschedule: rate(2 day)\r\n',
    /^collections\/bad\.yaml:4:11: use the plural unit/m,
  ],
];

describe('bad input to validate', () => {
  for (const [name, content, expected] of CASES) {
    it(`answers ${name} with a located message`, () => {
      const result = runCli(['validate'], { cwd: tempProject({ 'collections/bad.yaml': content }) });
      assertNoCrash(result);
      assert.match(result.stdout, expected, result.stdout.slice(0, 2000) + result.stderr);
      assert.equal(result.status, expected.source.includes('valid') ? 0 : 1);
    });
  }

  it('answers an invalid twarc-cloud.yaml with located messages and still checks collections', () => {
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: Lab Archive\ntarget: aws\n',
      'collections/a.yaml': 'id: a\ntype: search\n',
    });
    const result = runCli(['validate'], { cwd: root });
    assert.equal(result.status, 1);
    assert.equal(
      result.stdout,
      [
        'collections/a.yaml:1:1: missing required field `query`',
        'twarc-cloud.yaml:1:1: missing required field `aws`',
        'twarc-cloud.yaml:1:13: "Lab Archive": must be lower-case letters, digits and hyphens, starting with a letter, 2-24 characters',
        '3 errors in 2 files (1 collection file checked).',
        '',
      ].join('\n'),
    );
  });
});

describe('files that are not what their names say', () => {
  it('refuses a collection file that is a link to /dev/zero at once, before reading it', () => {
    const root = tempProject({ 'collections/real.yaml': 'id: real\ntype: search\nquery: x\n' });
    symlinkSync('/dev/zero', join(root, 'collections', 'zero.yaml'));
    execFileSync('mkfifo', [join(root, 'collections', 'pipe.yaml')]);
    const result = runCli(['validate'], { cwd: root, timeoutMs: 30_000 });
    assertNoCrash(result);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /^collections\/zero\.yaml:1:1: it is not a regular file \(a device, a pipe or a socket\)/m);
    assert.match(result.stdout, /^collections\/pipe\.yaml:1:1: it is not a regular file/m);
  });

  it('refuses a twarc-cloud.yaml that is a link to /dev/zero, or a folder', () => {
    const linked = tempProject({ 'collections/real.yaml': 'id: real\ntype: search\nquery: x\n' });
    symlinkSync('/dev/zero', join(linked, 'twarc-cloud.yaml'));
    const zero = runCli(['validate'], { cwd: linked, timeoutMs: 30_000 });
    assertNoCrash(zero);
    assert.equal(zero.status, 1);
    assert.match(zero.stdout, /^twarc-cloud\.yaml:1:1: it is not a regular file/m);
    const folder = tempProject({ 'collections/real.yaml': 'id: real\ntype: search\nquery: x\n', 'twarc-cloud.yaml/x': '' });
    const asFolder = runCli(['validate'], { cwd: folder });
    assertNoCrash(asFolder);
    assert.equal(asFolder.status, 1);
    assert.match(asFolder.stdout, /^twarc-cloud\.yaml:1:1: it is a folder/m);
  });

  it('refuses a collection file that resolves outside the repository, without echoing what it holds', () => {
    const elsewhere = tempProject({ 'private.yaml': 'id: leak\ntype: search\nquery: x\nbearer: AAAA-secret-outside-the-repository\n' });
    const root = tempProject({ 'collections/real.yaml': 'id: real\ntype: search\nquery: x\n' });
    symlinkSync(join(elsewhere, 'private.yaml'), join(root, 'collections', 'leak.yaml'));
    const result = runCli(['validate'], { cwd: root });
    assertNoCrash(result);
    assert.equal(result.status, 1);
    assert.match(result.stdout, /^collections\/leak\.yaml:1:1: it resolves to .*private\.yaml, outside the repository/m);
    assert.doesNotMatch(result.stdout + result.stderr, /AAAA-secret|bearer/);
  });
});

describe('unreadable collection files', () => {
  it('reports a file it cannot read (a dangling link) and still checks the others', () => {
    const root = tempProject({ 'collections/real.yaml': 'id: real\ntype: search\nquery: x\nschedule: rate(2 day)\n' });
    symlinkSync(join(root, 'nowhere.yaml'), join(root, 'collections', 'gone.yaml'));
    const result = runCli(['validate'], { cwd: root });
    assertNoCrash(result);
    assert.equal(result.status, 1);
    assert.equal(
      result.stdout,
      'collections/gone.yaml:1:1: cannot read the file (ENOENT)\ncollections/real.yaml:4:11: use the plural unit for values above 1: rate(2 days)\n2 errors in 2 files (2 collection files checked).\n',
    );
  });
});
