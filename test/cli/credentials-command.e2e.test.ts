import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveCredentials } from '../../platform/credentials/resolve.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';

let moto: Moto;
let fake: FakeXApi;
let root: string;
let env: NodeJS.ProcessEnv;
const STREAM_SECRET = 'AAAA-streaming-app-secret-5566778899';

before(async () => {
  moto = await startMoto();
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER, STREAM_SECRET] }).start();
  root = tempProject({ 'twarc-cloud.yaml': 'deployment: creds\ntarget: aws\naws:\n  bucket: creds-archive\n  region: us-east-1\n' });
  mkdirSync(join(root, '.config', 'twarc'), { recursive: true });
  writeFileSync(
    join(root, '.config', 'twarc', 'config'),
    `bearer_token = "${SECRET_BEARER}"\n[streaming-app]\nbearer_token = ${STREAM_SECRET}\n[revoked]\nbearer_token = "not-a-valid-token-123"\n`,
  );
  env = {
    HOME: root,
    TWARC_CLOUD_API_BASE_URL: fake.baseUrl,
    TWARC_CLOUD_BACKUP_CONSUMER_KEY: 'ck-in-env-000111',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
  };
});
after(async () => {
  await fake.stop();
  await moto.stop();
});

describe('twarc-cloud credentials', { timeout: 60_000 }, () => {
  it('lists profiles and which keys they have, never a value', async () => {
    const result = await runCliAsync(['credentials', 'list'], { cwd: root, env });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^default\s+bearer_token {2}\(.*\.config\/twarc\/config\)$/m);
    assert.match(result.stdout, /^streaming-app\s+bearer_token/m);
    assert.match(result.stdout, /^backup\s+consumer_key {2}\(environment\)$/m);
    for (const secret of [SECRET_BEARER, STREAM_SECRET, 'ck-in-env-000111']) assert.ok(!result.stdout.includes(secret));
  });

  it('takes the API base URL with or without /2 and the trailing slash, from the flag or the environment', async () => {
    const origin = new URL(fake.baseUrl).origin;
    for (const given of [origin, `${origin}/`, `${origin}/2`, `${origin}/2/`]) {
      const viaFlag = await runCliAsync(['credentials', 'check', 'default', '--api-base-url', given], { cwd: root, env });
      assert.equal(viaFlag.status, 0, `${given}: ${viaFlag.stderr}`);
      const viaEnv = await runCliAsync(['credentials', 'check', 'default'], {
        cwd: root,
        env: { ...env, TWARC_CLOUD_API_BASE_URL: given },
      });
      assert.equal(viaEnv.status, 0, `${given}: ${viaEnv.stderr}`);
    }
    for (const [given, problem] of [
      ['ftp://example.org/2/', /is not http or https/],
      ['api.x.com', /is not a URL/],
    ] as const) {
      const refused = await runCliAsync(['credentials', 'check', 'default', '--api-base-url', given], { cwd: root, env });
      assert.equal(refused.status, 1);
      assertNoCrash(refused);
      assert.match(refused.stderr, problem);
    }
  });

  it('names the network cause when X cannot be reached: DNS, or a refused connection', async () => {
    const quick = { ...env, TWARC_CLOUD_BACKOFF_SCALE: '0.001' };
    const dns = await runCliAsync(['credentials', 'check', 'default', '--api-base-url', 'http://twarc-cloud-test.invalid/2/'], {
      cwd: root,
      env: quick,
    });
    assert.equal(dns.status, 1);
    assertNoCrash(dns);
    // EAI_AGAIN where this machine has no DNS server to ask at all.
    assert.match(
      dns.stderr,
      /(?:ENOTFOUND|EAI_AGAIN): the host name could not be resolved (?:for now )?\(DNS\) \(twarc-cloud-test\.invalid\)/,
    );
    assert.match(dns.stderr, /hint: X could not be reached from this machine/);
    const refused = await runCliAsync(['credentials', 'check', 'default', '--api-base-url', 'http://127.0.0.1:1/2/'], {
      cwd: root,
      env: quick,
    });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /ECONNREFUSED: the connection was refused \(127\.0\.0\.1:1\)/);
    assert.ok(!(dns.stderr + refused.stderr).includes(SECRET_BEARER));
  });

  it('checks a profile against the API: accepted, or refused with a fix', async () => {
    const ok = await runCliAsync(['credentials', 'check', 'streaming-app'], { cwd: root, env });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /streaming-app: accepted by the X API \(app authentication/);
    const refused = await runCliAsync(['credentials', 'check', 'revoked'], { cwd: root, env });
    assert.equal(refused.status, 1);
    assertNoCrash(refused);
    assert.match(refused.stderr, /refused the credentials of profile "revoked"/);
    assert.ok(!refused.stderr.includes('not-a-valid-token-123'));
  });

  it('pushes a local profile into SSM, where the harvester on AWS finds it', async () => {
    const pushed = await runCliAsync(['credentials', 'push', 'streaming-app'], { cwd: root, env });
    assert.equal(pushed.status, 0, pushed.stderr);
    assert.match(
      pushed.stdout,
      /streaming-app: bearer_token stored as SecureString parameters under \/creds\/credentials\/streaming-app\//,
    );
    assert.ok(!pushed.stdout.includes(STREAM_SECRET));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SSM: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    });
    const found = await resolveCredentials('streaming-app', { env: {}, configFile: '/nonexistent', ssmPath: '/creds/credentials' });
    assert.equal(found.bearerToken, STREAM_SECRET);
  });
});
