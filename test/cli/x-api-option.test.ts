/*
 * --api-base-url, which the README says every command that talks to X takes: each such command's
 * module marks it (so the container's own table of three gets it too), and each takes the option, shows it in its help, and refuses an unusable
 * URL before it does anything else.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../cli/command-table.js';
import { runInProcess } from '../helpers/run-cli.js';

const TALKING_TO_X = (
  await Promise.all(COMMANDS.map(async (entry) => ((await entry.load()).talksToX === true ? [entry.name] : [])))
).flat();

describe('--api-base-url on every command that talks to X', () => {
  it('is what the commands mark: the commands that read or write on X, or start harvests that do', () => {
    assert.deepEqual(TALKING_TO_X.sort(), [
      'apply',
      'compliance',
      'credentials',
      'harvest',
      'harvest-group',
      'plan',
      'run',
      'status',
      'up',
      'users',
    ]);
  });

  for (const name of TALKING_TO_X) {
    it(`${name} shows it in its help and refuses an unusable URL at once`, async () => {
      const help = await runInProcess([name, '--help']);
      assert.equal(help.status, 0, help.stderr);
      assert.equal(help.stdout.match(/--api-base-url <url>/g)?.length, 1, help.stdout);
      const refused = await runInProcess([name, '--api-base-url', 'ftp://example.org'], { cwd: '/nonexistent-project' });
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /^twarc-cloud: error: the X API base URL "ftp:\/\/example\.org" is not http or https/, refused.stderr);
    });
  }
});
