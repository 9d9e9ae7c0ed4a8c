/*
 * `changes` says where each change came from: the commit and its author when the collection's file
 * was committed, and an uncommitted edit as such (on top of which commit), never credited to the
 * author of a commit that does not hold it.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const search = (max: number): string =>
  `id: floods\ntype: search\nstate: suspended\nquery: flood\nschedule: rate(1 day)\nmax_records: ${max}\n`;

describe('changes and git', { timeout: 60_000 }, () => {
  it('credits a committed change to its commit and author, and marks an uncommitted edit as one', async () => {
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/floods.yaml': search(100),
    });
    const git = (...args: string[]): string => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
    git('init', '-q');
    writeFileSync(join(root, '.gitignore'), '/archive/\n');
    git('add', '.');
    git('-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', 'commit', '-qm', 'floods');
    const commit = git('rev-parse', 'HEAD').slice(0, 12);
    const env = { HOME: root, CI: '', GITHUB_ACTOR: '' };
    assert.equal((await runCliAsync(['apply', '--yes'], { cwd: root, env })).status, 0);

    writeFileSync(join(root, 'collections', 'floods.yaml'), search(200));
    const applied = await runCliAsync(['apply', '--yes'], { cwd: root, env });
    assert.equal(applied.status, 0, applied.stderr);

    const changes = await runCliAsync(['changes', 'floods'], { cwd: root, env });
    assert.equal(changes.status, 0, changes.stderr);
    const heads = changes.stdout.split('\n').filter((line) => /^\d{4}-/.test(line));
    assert.equal(heads.length, 2, changes.stdout);
    assert.match(heads[0] ?? '', new RegExp(`create {2}by .* {2}commit ${commit} {2}\\(Ada <ada@example\\.org>\\)$`));
    assert.match(heads[1] ?? '', new RegExp(`update {2}by .* {2}uncommitted edit \\(on top of commit ${commit}\\)$`));
    assert.doesNotMatch(heads[1] ?? '', /Ada/);
    assert.match(changes.stdout, /max_records: 100 -> 200/);
  });
});
