import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS as ALL_COMMANDS } from '../../cli/command-table.js';
import { runCli as runCliEntry } from '../../cli/main.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { assertNoCrash, runInProcess } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['validate', 'new'];

describe('twarc-cloud CLI', () => {
  it('validates the shipped examples', async () => {
    const result = await runInProcess(['validate']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.stdout.trim(), '3 collection files valid.');
  });

  it('shows the commands without arguments and exits 1', async () => {
    const result = await runInProcess([]);
    assert.equal(result.status, 1);
    for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^  ${command} `, 'm'));
  });

  for (const command of [undefined, ...COMMANDS]) {
    const args = command === undefined ? [] : [command];
    it(`answers --help and --version ${command ? `for ${command}` : 'at the top level'}`, async () => {
      const help = await runInProcess([...args, '--help']);
      assert.equal(help.status, 0);
      assert.match(help.stdout, /Usage: twarc-cloud/);
      const shown = await runInProcess([...args, '--version']);
      assert.equal(shown.status, 0);
      assert.equal(shown.stdout.trim(), `twarc-cloud ${version}`);
    });
  }

  it('refuses an unknown command with a hint, and the command it most likely meant', async () => {
    const result = await runInProcess(['plant']);
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      'twarc-cloud: error: unknown command "plant"; did you mean "plan"?\n  hint: run twarc-cloud --help for the list of commands\n',
    );
    assert.match((await runInProcess(['harvst'])).stderr, /unknown command "harvst"; did you mean "harvest"\?/);
    assert.equal(
      (await runInProcess(['zzzzzz'])).stderr,
      'twarc-cloud: error: unknown command "zzzzzz"\n  hint: run twarc-cloud --help for the list of commands\n',
      'nothing close: no guess',
    );
  });

  it('names the program in hints as the user can run it: npx twarc-cloud where twarc-cloud is not on PATH', async () => {
    const result = await runInProcess(['plant'], { env: { PATH: '/nonexistent-bin' } });
    assert.equal(
      result.stderr,
      'twarc-cloud: error: unknown command "plant"; did you mean "plan"?\n  hint: run npx twarc-cloud --help for the list of commands\n',
    );
    const mistyped = await runInProcess(['apply', '--yse'], { env: { PATH: '/nonexistent-bin' } });
    assert.match(mistyped.stderr, /hint: see: npx twarc-cloud apply --help\n$/);
  });

  it("refuses a mistyped option with the command's option it most likely meant", async () => {
    const result = await runInProcess(['apply', '--yse']);
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^twarc-cloud: error: Unknown option '--yse'; did you mean --yes\?\n {2}hint: see: twarc-cloud apply --help\n$/,
    );
  });

  it('refuses an unknown option with a hint', async () => {
    const result = await runInProcess(['validate', '--strict']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^twarc-cloud: error: Unknown option '--strict'\n {2}hint: see: twarc-cloud validate --help\n$/);
  });

  it('refuses an unknown output format', async () => {
    const result = await runInProcess(['validate', '--format', 'xml']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /--format must be one of text, json, github, not "xml"/);
  });

  it('says so when a path does not exist', async () => {
    const result = await runInProcess(['validate', 'collections/nope.yaml']);
    assert.equal(result.status, 1);
    assertNoCrash(result);
    assert.match(result.stderr, /collections\/nope\.yaml does not exist/);
  });

  it('prints problems as file:line:column: message and exits 1', async () => {
    const root = tempProject({ 'collections/a.yaml': 'id: a\ntype: search\nquery: x\nschedule: rate(2 day)\n' });
    const result = await runInProcess(['validate'], { cwd: root });
    assert.equal(result.status, 1);
    assert.equal(
      result.stdout,
      'collections/a.yaml:4:11: use the plural unit for values above 1: rate(2 days)\n1 error in 1 file (1 collection file checked).\n',
    );
  });

  it('gives machine-readable problems with --format json', async () => {
    const root = tempProject({ 'collections/a.yaml': 'id: a\ntype: search\nquery: x\nschedule: rate(2 day)\n' });
    const result = await runInProcess(['validate', '--format', 'json'], { cwd: root });
    assert.equal(result.status, 1);
    const report = JSON.parse(result.stdout) as { valid: boolean; errors: number; problems: unknown[] };
    assert.equal(report.valid, false);
    assert.equal(report.errors, 1);
    assert.deepEqual(report.problems, [
      {
        file: 'collections/a.yaml',
        line: 4,
        column: 11,
        rule: 'schedule/syntax',
        message: 'use the plural unit for values above 1: rate(2 days)',
        severity: 'error',
      },
    ]);
  });

  it('writes a commented template that validates and refuses to overwrite it', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'target: local\n' });
    for (const type of ['user_timeline', 'search', 'filter']) {
      const id = `my-${type.replace('_', '-')}`;
      const created = await runInProcess(['new', type, id], { cwd: root });
      assert.equal(created.status, 0, created.stderr);
      const text = readFileSync(join(root, 'collections', `${id}.yaml`), 'utf8');
      assert.ok(text.startsWith('# yaml-language-server: $schema='), 'starts with the schema modeline');
      const schemaPath = /\$schema=(\S+)/.exec(text)?.[1] ?? '';
      assert.ok(readFileSync(join(root, 'collections', schemaPath), 'utf8').includes('"$schema"'), 'the modeline points at the schema');
      assert.match(text, /^state: suspended$/m);
    }
    const validated = await runInProcess(['validate'], { cwd: root });
    assert.equal(validated.status, 0, validated.stdout);
    assert.equal(validated.stdout.trim(), '3 collection files valid.');
    const again = await runInProcess(['new', 'search', 'my-search'], { cwd: root });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /collections\/my-search\.yaml already exists/);
  });

  it('refuses a bad id or type for new, using the same rules as validate', async () => {
    const root = tempProject();
    const badId = await runInProcess(['new', 'search', 'My_Search'], { cwd: root });
    assert.equal(badId.status, 1);
    assert.match(badId.stderr, /cannot create collection "My_Search": .*lower-case letters, digits and hyphens/);
    const badType = await runInProcess(['new', 'stream', 'x'], { cwd: root });
    assert.equal(badType.status, 1);
    assert.match(badType.stderr, /unknown collection type "stream"\n {2}hint: choose one of user_timeline, search, filter/);
  });

  it("reports an unexpected failure as a bug, not as the user's mistake", async () => {
    const errors: string[] = [];
    const code = await runCliEntry(['--version'], ALL_COMMANDS, {
      cwd: PACKAGE_ROOT,
      env: {},
      stdoutIsTty: false,
      out: () => {
        throw new TypeError('stdout went away');
      },
      err: (text: string) => errors.push(text),
    });
    assert.equal(code, 1);
    assert.match(errors.join(''), /^twarc-cloud: internal error: stdout went away\nThis is a bug in twarc-cloud/);
  });
});
