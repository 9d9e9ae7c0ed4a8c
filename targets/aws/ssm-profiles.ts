import { quietAwsSdk } from '../../platform/aws/quiet-sdk.js';
import { CREDENTIAL_KEYS } from '../../platform/credentials/credentials.js';
import type { ProfileCheck } from '../../reconciler/desired/credential-profiles.js';
import { credentialsParameterPath } from './naming/aws-names.js';

/**
 * The profiles the deployment's harvest tasks can read from SSM: each folder under the credentials
 * path holding a bearer token or all four user-context keys. Only parameter names are listed
 * (DescribeParameters), never their values, so the plan role needs no access to the secrets.
 */
export async function ssmProfiles(deployment: string, region: string): Promise<ProfileCheck> {
  quietAwsSdk();
  const { SSMClient, DescribeParametersCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({ region });
  const root = credentialsParameterPath(deployment);
  const keys = new Map<string, Set<string>>();
  try {
    let token: string | undefined;
    do {
      const page = await client.send(
        new DescribeParametersCommand({
          ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: [root] }],
          ...(token !== undefined ? { NextToken: token } : {}),
        }),
      );
      for (const { Name } of page.Parameters ?? []) {
        const [profile, key, ...rest] = (Name ?? '').slice(root.length + 1).split('/');
        if (profile === undefined || key === undefined || rest.length > 0) continue;
        (keys.get(profile) ?? keys.set(profile, new Set()).get(profile))?.add(key);
      }
      token = page.NextToken;
    } while (token !== undefined);
  } catch (error) {
    return {
      unchecked: `could not list the SSM parameters under ${root}/ (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})`,
    };
  } finally {
    client.destroy();
  }
  const userContext = CREDENTIAL_KEYS.filter((key) => key !== 'bearer_token');
  const defined = [...keys]
    .filter(([, has]) => has.has('bearer_token') || userContext.every((key) => has.has(key)))
    .map(([profile]) => profile);
  return { defined: new Set(defined), where: `SSM Parameter Store under ${root}/ (region ${region})` };
}
