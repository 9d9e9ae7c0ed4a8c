/*
 * The README's quick start, command by command, as a newcomer would type it, against the fake X API.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
const block = /<!-- quick-start[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
const commands = block
  .split('\n')
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter((line) => line.startsWith('npx twarc-cloud '))
  .map((line) => line.slice('npx twarc-cloud '.length).split(/\s+/));

let fake: FakeXApi;
let root: string;
before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 3, tweetsPerUser: () => 25 } }).start();
  const [first, second] = fake.corpus.users;
  if (first && second) {
    first.username = 'XDevelopers';
    second.username = 'NASA';
  }
  root = tempProject({ 'collections/.keep': '' });
  cpSync(join(PACKAGE_ROOT, 'twarc-cloud.yaml'), join(root, 'twarc-cloud.yaml'));
  // A clone of the repository: its .gitignore, and what it holds committed.
  cpSync(join(PACKAGE_ROOT, '.gitignore'), join(root, '.gitignore'));
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '.'], { cwd: root });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'clone'], { cwd: root });
});
after(async () => {
  await fake.stop();
});

describe('the README quick start', { timeout: 120_000 }, () => {
  it('is there, and sets the token the way the README says', () => {
    assert.ok(commands.length >= 8, `${commands.length} commands found`);
    assert.match(block, /^export TWARC_CLOUD_DEFAULT_BEARER_TOKEN=/m);
  });

  it('runs command by command on a fresh project', async () => {
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    for (const args of commands) {
      const result = await runCliAsync(args, { cwd: root, env });
      const expected = args[0] === 'plan' ? [0, 2] : [0];
      assert.ok(
        expected.includes(result.status ?? -1),
        `twarc-cloud ${args.join(' ')} exited ${String(result.status)}:\n${result.stdout}${result.stderr}`,
      );
    }
    const list = await runCliAsync(['list', '--format', 'json'], { cwd: root, env });
    const rows = JSON.parse(list.stdout) as Array<{ id: string; lastHarvest?: { tweets: number } }>;
    assert.deepEqual(
      rows.map((r) => [r.id, r.lastHarvest?.tweets]),
      [['my-first', 50]],
      'two accounts of 25 tweets each were harvested',
    );
  });

  it('leaves nothing harvested where git would take it: the archive and every output are ignored', () => {
    assert.ok(existsSync(join(root, 'archive', 'collections', 'my-first')), 'the archive is there');
    assert.ok(existsSync(join(root, 'exports', 'my-first', 'archive')), 'download went under exports/');
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: root, encoding: 'utf8' });
    assert.deepEqual(
      status.split('\n').filter((line) => line !== ''),
      ['?? collections/my-first.yaml'],
      'only the collection file the user wrote is new to git',
    );
  });
});
