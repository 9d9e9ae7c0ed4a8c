/*
 * A client with a profile's app credentials (bearer token), for the advisory calls reconciler
 * commands make (counts, usage): where there are none here, the caller says so instead of failing.
 */

import { UserError } from '../errors.js';
import { resolveCredentials } from '../credentials/resolve.js';
import { resolveApiBaseUrl } from './base-url.js';
import { XApiClient } from './client.js';

export async function appClient(profile: string, env: NodeJS.ProcessEnv): Promise<XApiClient | 'no-credentials' | 'no-bearer-token'> {
  try {
    const credentials = await resolveCredentials(profile, { env });
    if (credentials.bearerToken === undefined) return 'no-bearer-token';
    return new XApiClient({ baseUrl: resolveApiBaseUrl(undefined, env), credentials, maxAttempts: 2 });
  } catch (error) {
    if (error instanceof UserError) return 'no-credentials';
    throw error;
  }
}
