import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { UserError } from '../../platform/errors.js';
import { resolveCredentials } from '../../platform/credentials/resolve.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { ssmProfiles } from '../../targets/aws/ssm-profiles.js';

async function configFile(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'twarc-config-')), 'config');
  await writeFile(path, text);
  return path;
}

describe("finding a profile's credentials", () => {
  it('reads twarc2\'s config file: top-level keys are "default", a [section] is a profile', async () => {
    const path = await configFile(
      '# written by twarc2 configure\nbearer_token = "AAAA-default"\n\n[research-app]\nbearer_token = \'AAAA-research\'\nconsumer_key = ck\nconsumer_secret = cs\naccess_token = at\naccess_token_secret = ats\n',
    );
    assert.deepEqual(await resolveCredentials('default', { env: {}, configFile: path }), {
      profile: 'default',
      bearerToken: 'AAAA-default',
    });
    const research = await resolveCredentials('research-app', { env: {}, configFile: path });
    assert.equal(research.bearerToken, 'AAAA-research');
    assert.deepEqual(research.userContext, { consumerKey: 'ck', consumerSecret: 'cs', accessToken: 'at', accessTokenSecret: 'ats' });
  });

  it("prefers the environment, including twarc2's own names for the default profile", async () => {
    const path = await configFile('bearer_token = "from-file"\n');
    assert.equal((await resolveCredentials('default', { env: { BEARER_TOKEN: 'from-env' }, configFile: path })).bearerToken, 'from-env');
    assert.equal(
      (await resolveCredentials('default', { env: { TWARC_CLOUD_DEFAULT_BEARER_TOKEN: 'ours' }, configFile: path })).bearerToken,
      'ours',
    );
    assert.equal(
      (await resolveCredentials('streaming-app', { env: { TWARC_CLOUD_STREAMING_APP_BEARER_TOKEN: 'stream' }, configFile: path }))
        .bearerToken,
      'stream',
    );
  });

  it('ignores incomplete user-context keys and says where it looked when nothing is usable', async () => {
    const path = await configFile('[partial]\nconsumer_key = ck\n');
    await assert.rejects(resolveCredentials('partial', { env: {}, configFile: path }), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, /no X API credentials for profile "partial".*TWARC_CLOUD_PARTIAL_BEARER_TOKEN.*\[partial\]/);
      assert.match(error.hint ?? '', /add a \[partial\] section/);
      return true;
    });
  });
});

describe('credentials in SSM Parameter Store (moto_server)', () => {
  let moto: Moto;
  const saved = { ...process.env };
  before(async () => {
    moto = await startMoto();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SSM: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    });
  });
  after(async () => {
    process.env = saved;
    await moto.stop();
  });

  it('reads SecureString parameters under <path>/<profile>/ when neither environment nor file has them', async () => {
    const ssm = new SSMClient({});
    await ssm.send(
      new PutParameterCommand({ Name: '/research/credentials/default/bearer_token', Value: 'AAAA-from-ssm', Type: 'SecureString' }),
    );
    await ssm.send(
      new PutParameterCommand({ Name: '/research/credentials/other/bearer_token', Value: 'not-this-one', Type: 'SecureString' }),
    );
    ssm.destroy();
    const credentials = await resolveCredentials('default', {
      env: {},
      configFile: '/nonexistent/config',
      ssmPath: '/research/credentials',
    });
    assert.deepEqual(credentials, { profile: 'default', bearerToken: 'AAAA-from-ssm' });
    // In the image the path is TWARC_CLOUD_SSM_PATH (terraform's task definition): every command finds it, compliance's too.
    const fromTaskEnvironment = await resolveCredentials('other', {
      env: { TWARC_CLOUD_SSM_PATH: '/research/credentials' },
      configFile: '/nonexistent/config',
    });
    assert.deepEqual(fromTaskEnvironment, { profile: 'other', bearerToken: 'not-this-one' });
  });

  it("plan's check lists the profiles under the deployment's path by name, complete ones only, and says when it cannot", async () => {
    const ssm = new SSMClient({});
    const put = (Name: string) => ssm.send(new PutParameterCommand({ Name, Value: 'secret-value', Type: 'SecureString' }));
    await put('/lab/credentials/streams/bearer_token');
    for (const key of ['consumer_key', 'consumer_secret', 'access_token', 'access_token_secret'])
      await put(`/lab/credentials/timelines/${key}`);
    await put('/lab/credentials/half/consumer_key');
    await put('/lab-test/credentials/elsewhere/bearer_token');
    ssm.destroy();
    const check = await ssmProfiles('lab', 'us-east-1');
    assert.ok('defined' in check, JSON.stringify(check));
    assert.deepEqual([...check.defined].sort(), ['streams', 'timelines']);
    assert.equal(check.where, 'SSM Parameter Store under /lab/credentials/ (region us-east-1)');
    assert.doesNotMatch(JSON.stringify(check), /secret-value/);

    process.env['AWS_ENDPOINT_URL_SSM'] = 'http://127.0.0.1:9';
    process.env['AWS_MAX_ATTEMPTS'] = '1';
    try {
      const unreachable = await ssmProfiles('lab', 'us-east-1');
      assert.ok('unchecked' in unreachable);
      assert.match(unreachable.unchecked, /could not list the SSM parameters under \/lab\/credentials\//);
    } finally {
      process.env['AWS_ENDPOINT_URL_SSM'] = moto.endpoint;
      delete process.env['AWS_MAX_ATTEMPTS'];
    }
  });
});
