import { UserError } from '../../platform/errors.js';
import { quietAwsSdk } from '../../platform/aws/quiet-sdk.js';
import { CREDENTIAL_KEYS, type XCredentials } from '../../platform/credentials/credentials.js';
import { configFileProfiles, environmentProfiles } from '../../platform/credentials/profiles.js';
import { resolveCredentials, twarcConfigPath } from '../../platform/credentials/resolve.js';
import { XApiClient } from '../../platform/x-api/client.js';
import { apiBaseUrl } from './x-api-options.js';
import { choiceOption, type CommandSpec } from '../command.js';
import { reconcileSettings } from './reconcile-options.js';
import { credentialsParameterPath } from '../../targets/aws/naming/aws-names.js';

export const credentialsCommand: CommandSpec = {
  talksToX: true,
  usage: 'twarc-cloud credentials list | check <profile> | push <profile>',
  help: [
    "  list              profiles in the environment and twarc2's config file, with the keys each has",
    "  check <profile>   ask the X API whether the profile's credentials work",
    '  push <profile>    copy a local profile into SSM Parameter Store (SecureString) for the AWS target,',
    '                    under /<deployment>/credentials/<profile>/',
    '',
    'Options:',
    '  --format <f>      text (default) or json, for list',
    '',
  ].join('\n'),
  examples: [
    ['The profiles found here (their names and keys, never values)', 'twarc-cloud credentials list'],
    ["Ask X whether a profile's credentials work", 'twarc-cloud credentials check default'],
  ],
  options: { format: { type: 'string' } },
  async run(args, io) {
    const [action, profile, ...extra] = args.positionals;
    if (extra.length > 0 || (action !== 'list' && profile === undefined))
      throw new UserError('expected list, check <profile> or push <profile>', `usage: ${this.usage}`);
    if (action === 'list') {
      const format = choiceOption(args, 'format', ['text', 'json'] as const, 'text');
      const profiles = [...environmentProfiles(io.env), ...(await configFileProfiles(twarcConfigPath(io.env)))];
      if (format === 'json') io.out(`${JSON.stringify(profiles, null, 2)}\n`);
      else if (profiles.length === 0) io.out(`No profiles: run \`twarc2 configure\`, or set TWARC_CLOUD_<PROFILE>_BEARER_TOKEN.`);
      else for (const p of profiles) io.out(`${p.profile.padEnd(20)} ${p.keys.join(', ')}  (${p.source})`);
      return 0;
    }
    if (profile === undefined) return 1;
    const credentials = await resolveCredentials(profile, { env: io.env });
    if (action === 'check') {
      const client = new XApiClient({ baseUrl: apiBaseUrl(args, io), credentials, maxAttempts: 3 });
      await client.get('users/by', { usernames: 'XDevelopers' });
      io.out(
        `${profile}: accepted by the X API (${credentials.bearerToken !== undefined ? 'app authentication: searches, streams and timelines' : 'user context only: timelines and lookups, not searches or streams'}).`,
      );
      return 0;
    }
    if (action !== 'push') throw new UserError(`unknown action "${action ?? ''}"`, `usage: ${this.usage}`);
    const { settings } = reconcileSettings(args, io);
    if (!settings.aws) throw new UserError('push needs the AWS target: aws.region in twarc-cloud.yaml');
    const path = credentialsParameterPath(settings.deployment, profile);
    const pushed = await pushToSsm(settings.aws.region, path, credentials);
    io.out(`${profile}: ${pushed.join(', ')} stored as SecureString parameters under ${path}/`);
    return 0;
  },
};

async function pushToSsm(region: string, path: string, credentials: XCredentials): Promise<string[]> {
  quietAwsSdk();
  const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({ region });
  const user = credentials.userContext;
  const values: Record<(typeof CREDENTIAL_KEYS)[number], string | undefined> = {
    bearer_token: credentials.bearerToken,
    consumer_key: user?.consumerKey,
    consumer_secret: user?.consumerSecret,
    access_token: user?.accessToken,
    access_token_secret: user?.accessTokenSecret,
  };
  const pushed: string[] = [];
  try {
    for (const key of CREDENTIAL_KEYS) {
      const value = values[key];
      if (value === undefined) continue;
      await client.send(new PutParameterCommand({ Name: `${path}/${key}`, Value: value, Type: 'SecureString', Overwrite: true }));
      pushed.push(key);
    }
  } finally {
    client.destroy();
  }
  return pushed;
}
