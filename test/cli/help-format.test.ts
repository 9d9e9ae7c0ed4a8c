/*
 * --help reads as twarc2's and most tools' do: usage first, wrapped to the terminal (80 columns when
 * output is no terminal), defaults as [default: ...], examples last. Every command of the table is
 * walked, so a new command's help is held to the same layout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../cli/command-table.js';
import { withDefaultInBrackets } from '../../cli/help-format.js';
import { runCli } from '../../cli/main.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';

async function help(args: string[], terminal?: number): Promise<string> {
  let out = '';
  await runCli(args, COMMANDS, {
    cwd: PACKAGE_ROOT,
    // On PATH, as after a global install: the program is named twarc-cloud.
    env: { PATH: `${PACKAGE_ROOT}/node_modules/.bin` },
    stdoutIsTty: terminal !== undefined,
    ...(terminal !== undefined ? { columns: terminal } : {}),
    out: (text) => (out += text),
    err: (text) => (out += text),
  });
  return out;
}

describe('--help of every command', () => {
  for (const { name } of COMMANDS) {
    it(`${name}: usage first, 80 columns off a terminal, defaults bracketed, examples last`, async () => {
      const text = await help([name, '--help']);
      const lines = text.trimEnd().split('\n');
      assert.match(lines[0] ?? '', new RegExp(`^Usage: twarc-cloud ${name}\\b`));
      for (const line of lines) assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
      const options = lines.indexOf('Options:');
      assert.ok(options > 0, 'an Options: section');
      const optionLines = lines.slice(options);
      assert.ok(optionLines.some((line) => /^ {2}-h, --help +show this help$/.test(line)));
      for (const line of optionLines) {
        assert.doesNotMatch(line, /\(default/, 'a default reads [default: ...]');
        assert.doesNotMatch(line, /^-/, 'every option is an entry of the two columns');
      }
      const examples = lines.indexOf('Examples:');
      if (examples !== -1) {
        assert.ok(examples > options, 'examples come last');
        assert.match(lines[examples + 2] ?? '', /^ {4}\$ twarc-cloud /);
      }
    });
  }

  it('wraps to the terminal when output is one', async () => {
    const wide = (await help(['plan', '--help'], 120)).split('\n');
    assert.ok(wide.every((line) => line.length <= 120));
    assert.ok(
      wide.some((line) => line.length > 80),
      'a 120-column terminal gets lines past 80',
    );
    const narrow = (await help(['plan', '--help'], 60)).split('\n');
    assert.ok(
      narrow.every((line) => line.length <= 60),
      narrow.find((line) => line.length > 60),
    );
  });

  it('the overview: usage first, each command with its summary', async () => {
    const lines = (await help(['--help'])).split('\n');
    assert.equal(lines[0], 'Usage: twarc-cloud <command> [options]');
    for (const { name } of COMMANDS)
      assert.ok(
        lines.some((line) => line.startsWith(`  ${name} `)),
        name,
      );
    for (const line of lines) assert.ok(line.length <= 80, line);
  });
});

describe('a default in an option description', () => {
  const cases: Array<[string, string]> = [
    ['text (default) or json', 'text or json [default: text]'],
    ['its port (default: any free port)', 'its port [default: any free port]'],
    ['seconds before a lock counts as abandoned (default 300)', 'seconds before a lock counts as abandoned [default: 300]'],
    ['between checks (default 30; jobs take minutes to hours)', 'between checks (jobs take minutes to hours) [default: 30]'],
    [
      'replay up to n minutes (1-5; Enterprise access only; default 0)',
      'replay up to n minutes (1-5; Enterprise access only) [default: 0]',
    ],
    [
      'the archive (default: local.archive (a folder), or TWARC_CLOUD_ARCHIVE)',
      'the archive [default: local.archive (a folder), or TWARC_CLOUD_ARCHIVE]',
    ],
    ['accept a plan that stops more collections', 'accept a plan that stops more collections'],
  ];
  for (const [given, shown] of cases)
    it(`"${given}"`, () => {
      assert.equal(withDefaultInBrackets(given), shown);
    });
});
