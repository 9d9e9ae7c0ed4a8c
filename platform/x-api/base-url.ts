/*
 * The X API base URL, one way for every command: a flag (--api-base-url), else the environment
 * (TWARC_CLOUD_API_BASE_URL), else X's own. Written with or without /2, with or without the trailing
 * slash, it means the same API; anything that cannot be one is the user's mistake, said at once
 * rather than after a round of retries.
 */

import { UserError } from '../errors.js';
import { DEFAULT_API_BASE_URL } from './endpoints.js';

export const API_BASE_URL_ENV = 'TWARC_CLOUD_API_BASE_URL';

export function resolveApiBaseUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const given = flag ?? env[API_BASE_URL_ENV];
  return given === undefined || given.trim() === '' ? DEFAULT_API_BASE_URL : normaliseApiBaseUrl(given);
}

export function normaliseApiBaseUrl(given: string): string {
  const where = `--api-base-url or ${API_BASE_URL_ENV}`;
  let url: URL;
  try {
    url = new URL(given.trim());
  } catch {
    throw new UserError(`the X API base URL ${JSON.stringify(given)} is not a URL`, `give one like ${DEFAULT_API_BASE_URL} (${where})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UserError(
      `the X API base URL ${JSON.stringify(given)} is not http or https`,
      `give one like ${DEFAULT_API_BASE_URL} (${where})`,
    );
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    throw new UserError(
      `the X API base URL ${JSON.stringify(given)} carries a query, a fragment or credentials`,
      `give only the scheme, host and path, like ${DEFAULT_API_BASE_URL}; credentials go in a profile`,
    );
  const path = url.pathname.replace(/\/+$/, '');
  const versioned = /\/2$/.test(path) ? path : `${path}/2`;
  return `${url.origin}${versioned}/`;
}
