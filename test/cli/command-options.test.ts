import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertNoCrash, runInProcess } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

describe('what each command offers', () => {
  const root = tempProject({ 'twarc-cloud.yaml': 'deployment: opts\n' });

  it('offers --allow-mass-stop only where a plan is made (plan, apply, up), and refuses it elsewhere', async () => {
    for (const command of ['plan', 'apply', 'up'])
      assert.match((await runInProcess([command, '--help'], { cwd: root })).stdout, /--allow-mass-stop/, command);
    for (const command of ['list', 'status', 'last', 'run', 'unlock', 'users', 'import', 'stop']) {
      const help = await runInProcess([command, '--help'], { cwd: root });
      assert.equal(help.status, 0, `${command}: ${help.stderr}`);
      assert.doesNotMatch(help.stdout, /--allow-mass-stop/, command);
    }
    const refused = await runInProcess(['status', '--allow-mass-stop'], { cwd: root });
    assert.equal(refused.status, 1);
    assertNoCrash(refused);
    assert.match(refused.stderr, /Unknown option '--allow-mass-stop'/);
  });

  it('offers --api-base-url on every command that talks to X', async () => {
    for (const command of ['harvest', 'run', 'users', 'credentials'])
      assert.match((await runInProcess([command, '--help'], { cwd: root })).stdout, /--api-base-url <url>/, command);
  });
});
