/*
 * A collection naming a credentials profile that no source defines is found before its first harvest
 * fails: validate warns at the file's `credentials` line and plan reports it, each with the sources
 * looked in. Neither fails on it: CI's plan job runs without credentials by design.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runInProcess } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const SETTINGS = 'deployment: test\nlocal:\n  archive: ./archive\n';

function project(): string {
  return tempProject({
    'twarc-cloud.yaml': SETTINGS,
    'collections/floods.yaml': 'id: floods\ntype: search\nquery: floods\ncredentials: lab\nschedule: rate(1 day)\n',
    'collections/quiet.yaml': 'id: quiet\ntype: search\nquery: quiet\ncredentials: nowhere\nstate: suspended\n',
    'collections/storms.yaml': 'id: storms\ntype: search\nquery: storms\nschedule: rate(1 day)\n',
  });
}

/** An environment with no credentials of this machine's: its own HOME, no twarc2 config. */
function bare(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { HOME: root, TWARC_CONFIG: join(root, 'no-twarc-config'), ...extra };
  return env;
}

describe('a credentials profile no source defines', () => {
  it('validate warns at each active collection that names it, and still exits 0', async () => {
    const root = project();
    const result = await runInProcess(['validate'], { cwd: root, env: bare(root, { TWARC_CLOUD_DEFAULT_BEARER_TOKEN: 'AAAA' }) });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const output = result.stdout + result.stderr;
    assert.match(
      output,
      /collections\/floods\.yaml:4:14: warning: credentials profile "lab" is not defined in the environment or twarc2's config file .*no-twarc-config: its harvests will fail until it is/,
    );
    // The default profile is in the environment; a suspended collection runs nothing, so its profile may come later.
    assert.doesNotMatch(output, /storms\.yaml.*warning|"default"|"nowhere"/);
  });

  it("validate finds the profile in the environment or in twarc2's config file, as a harvest would", async () => {
    const root = project();
    const env = bare(root, { TWARC_CLOUD_DEFAULT_BEARER_TOKEN: 'AAAA' });
    const fromEnv = await runInProcess(['validate'], { cwd: root, env: { ...env, TWARC_CLOUD_LAB_BEARER_TOKEN: 'BBBB' } });
    assert.doesNotMatch(fromEnv.stdout + fromEnv.stderr, /warning/);
    const config = join(root, 'twarc-config');
    writeFileSync(
      config,
      'bearer_token = x\n[lab]\nconsumer_key = ck\nconsumer_secret = cs\naccess_token = at\naccess_token_secret = ats\n',
    );
    const fromFile = await runInProcess(['validate'], { cwd: root, env: { ...env, TWARC_CONFIG: config } });
    assert.doesNotMatch(fromFile.stdout + fromFile.stderr, /warning/);
    // Half a user context is no credentials: the warning stays.
    writeFileSync(config, '[lab]\nconsumer_key = ck\n');
    const partial = await runInProcess(['validate'], { cwd: root, env: { ...env, TWARC_CONFIG: config } });
    assert.match(partial.stdout + partial.stderr, /warning: credentials profile "lab"/);
  });

  it('plan reports the missing profiles with their collections, in text and JSON, without changing its exit code', async () => {
    const root = project();
    const text = await runInProcess(['plan', '--no-estimate'], { cwd: root, env: bare(root) });
    assert.equal(text.status, 2, text.stdout + text.stderr);
    assert.match(text.stdout, /Warning: floods: credentials profile "lab" is not defined in the environment or twarc2's config file/);
    assert.match(text.stdout, /Warning: storms: credentials profile "default" is not defined/);
    assert.doesNotMatch(text.stdout, /quiet:/);
    const json = await runInProcess(['plan', '--no-estimate', '--format', 'json'], {
      cwd: root,
      env: bare(root, { BEARER_TOKEN: 'AAAA' }),
    });
    assert.equal(json.status, 2, json.stderr);
    const credentials = (JSON.parse(json.stdout) as { credentials: { missing: unknown; checked_in: string } }).credentials;
    assert.deepEqual(credentials.missing, [{ profile: 'lab', ids: ['floods'] }]);
    assert.match(credentials.checked_in, /the environment or twarc2's config file/);
  });
});
