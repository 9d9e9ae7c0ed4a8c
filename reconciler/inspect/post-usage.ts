/*
 * This month's use of the Project's Post cap, for `status`: asked of X with a profile's app
 * credentials; where there are none here, or X does not answer in time, a line says so instead.
 */

import { appClient } from '../../platform/x-api/app-client.js';
import { projectUsage, type ProjectUsage } from '../../platform/x-api/usage.js';

export async function postUsage(profile: string, env: NodeJS.ProcessEnv): Promise<ProjectUsage | { readonly unavailable: string }> {
  const client = await appClient(profile, env);
  if (client === 'no-credentials') return { unavailable: `no credentials for profile "${profile}" here` };
  if (client === 'no-bearer-token') return { unavailable: `profile "${profile}" has no bearer token, which the usage endpoint needs` };
  try {
    return await projectUsage(client, AbortSignal.timeout(15_000));
  } catch (error) {
    return { unavailable: error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error) };
  }
}

export function postUsageLine(usage: ProjectUsage | { readonly unavailable: string }): string {
  if ('unavailable' in usage) return `X API use this month: not known (${usage.unavailable})`;
  const share = usage.cap > 0 ? ` (${((100 * usage.used) / usage.cap).toFixed(1)} %)` : '';
  return `X API use this month: ${usage.used.toLocaleString('en')} of ${usage.cap.toLocaleString('en')} Posts${share}; the count starts again on day ${usage.resetDay} of the month`;
}
