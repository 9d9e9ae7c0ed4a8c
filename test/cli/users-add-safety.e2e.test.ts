/*
 * users add as a newcomer meets it, against the fake X API: names X finds none of leave the file
 * as it was (not emptied to `users:` null, not activated with no account), and a file of names
 * given by mistake (twarc2's config, say) is never echoed back, only its line numbers.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { assertNoCrash, fakeApiEnv, runCliAsync } from '../helpers/run-cli.js';
import { runCliOnReadOnly } from '../helpers/read-only-mount.js';
import { tempProject } from '../helpers/temp-project.js';

const NEW_FILE = 'id: my-first\ntype: user_timeline\nstate: suspended\nusers: {}\n';

let fake: FakeXApi;
before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 3, tweetsPerUser: () => 0 } }).start();
});
after(async () => {
  await fake.stop();
});

describe('users add, safely', () => {
  it('leaves the file unchanged and unactivated when X finds none of the names, and says so', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\n', 'collections/my-first.yaml': NEW_FILE });
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const result = await runCliAsync(['users', 'add', 'my-first', '@XDevelopers', '@NASA', '--activate'], { cwd: root, env });
    assertNoCrash(result);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /no account could be added to collections\/my-first\.yaml; the file is unchanged and not activated/);
    assert.match(result.stderr, /XDevelopers: not found \(not added\)/);
    assert.equal(readFileSync(join(root, 'collections', 'my-first.yaml'), 'utf8'), NEW_FILE);
    assert.equal((await runCliAsync(['validate'], { cwd: root, env })).status, 0, 'every later command still reads the file');
  });

  it('names the lines of a file that are not screen names, never their content', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\n', 'collections/my-first.yaml': NEW_FILE });
    const secret = 'AAAAAAAAAAAAAAAAAAAAAplanted%2Fsecret%3Dvalue';
    writeFileSync(join(root, 'twarc-config'), `# twarc2 config\nbearer_token = ${secret}\nconsumer_key = planted-key\nuser_0\n`);
    const result = await runCliAsync(['users', 'add', 'my-first', '--file', 'twarc-config'], {
      cwd: root,
      env: fakeApiEnv(root, fake.baseUrl, SECRET_BEARER),
    });
    assertNoCrash(result);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /not screen names: line 2 of twarc-config, line 3 of twarc-config/);
    for (const planted of [secret, 'planted-key', 'bearer_token'])
      assert.ok(!`${result.stdout}${result.stderr}`.includes(planted), `${planted} is not echoed`);
    assert.equal(readFileSync(join(root, 'collections', 'my-first.yaml'), 'utf8'), NEW_FILE);
  });

  it('keeps the line endings of a file written on Windows (CRLF) in the lines it adds', async () => {
    const crlf = NEW_FILE.replace(/\n/g, '\r\n');
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\n', 'collections/my-first.yaml': crlf });
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const result = await runCliAsync(['users', 'add', 'my-first', 'user_0', 'user_1', '--activate'], { cwd: root, env });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    const text = readFileSync(join(root, 'collections', 'my-first.yaml'), 'utf8');
    assert.match(text, /user_1/);
    assert.equal(text.split('\r\n').length, text.split('\n').length, `every line ends in CRLF:\n${JSON.stringify(text)}`);
    assert.equal((await runCliAsync(['validate'], { cwd: root, env })).status, 0);
  });

  it('looks nobody up on X (a paid read) when the collection file cannot be written (a read-only folder)', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\n', 'collections/my-first.yaml': NEW_FILE });
    const env = fakeApiEnv(root, fake.baseUrl, SECRET_BEARER);
    const lookupsBefore = fake.requests.filter((r) => r.endpoint.startsWith('users')).length;
    const result = await runCliOnReadOnly(join(root, 'collections'), ['users', 'add', 'my-first', '@user_0'], { cwd: root, env });
    assertNoCrash(result);
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /the file system is read-only \(EROFS\)/);
    assert.equal(fake.requests.filter((r) => r.endpoint.startsWith('users')).length, lookupsBefore, 'no look-up was made');
    assert.equal(readFileSync(join(root, 'collections', 'my-first.yaml'), 'utf8'), NEW_FILE);
  });
});
