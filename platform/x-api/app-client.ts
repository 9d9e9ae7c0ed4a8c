/*
 * A client with a profile's app credentials (bearer token), for the advisory calls reconciler
 * commands make (counts, usage): where there are none here, the caller says so instead of failing.
 */

import { UserError } from '../errors.js';
import { resolveCredentials } from '../credentials/resolve.js';
import { resolveApiBaseUrl } from './base-url.js';
import { XApiClient } from './client.js';

export async function appClient(
  profile: string,
  env: NodeJS.ProcessEnv,
  /** Advisory calls give up after 2 attempts; work that must finish (compliance jobs) passes X's usual 10. */
  maxAttempts = 2,
): Promise<XApiClient | 'no-credentials' | 'no-bearer-token'> {
  try {
    const credentials = await resolveCredentials(profile, { env });
    if (credentials.bearerToken === undefined) return 'no-bearer-token';
    return new XApiClient({ baseUrl: resolveApiBaseUrl(undefined, env), credentials, maxAttempts });
  } catch (error) {
    if (error instanceof UserError) return 'no-credentials';
    throw error;
  }
}
