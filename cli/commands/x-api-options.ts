/*
 * The one way every command that talks to X is told where X is: --api-base-url, else
 * TWARC_CLOUD_API_BASE_URL, else X's own; normalised, and refused at once when unusable.
 */

import { API_BASE_URL_ENV, resolveApiBaseUrl } from '../../platform/x-api/base-url.js';
import { DEFAULT_API_BASE_URL } from '../../platform/x-api/endpoints.js';
import type { ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';

export const API_BASE_URL_OPTION = { 'api-base-url': { type: 'string' } } as const;

export const API_BASE_URL_HELP = `  --api-base-url <url>  X API base URL, else ${API_BASE_URL_ENV} (default ${DEFAULT_API_BASE_URL})`;

export function apiBaseUrl(args: ParsedArgs, io: CliIo): string {
  const flag = args.values['api-base-url'];
  return resolveApiBaseUrl(typeof flag === 'string' ? flag : undefined, io.env);
}

/**
 * The command's view of its process with the X API it was given as TWARC_CLOUD_API_BASE_URL, which
 * every X client it makes reads, here or in the harvests it starts (refused at once when unusable).
 */
export function withApiBaseUrl(args: ParsedArgs, io: CliIo): CliIo {
  const flag = args.values['api-base-url'];
  if (typeof flag !== 'string') return io;
  return { ...io, env: { ...io.env, [API_BASE_URL_ENV]: resolveApiBaseUrl(flag, io.env) } };
}
