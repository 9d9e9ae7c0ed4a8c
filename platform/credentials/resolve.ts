/*
 * Finds a profile's X credentials (docs/architecture.md, "Credentials"), first source that has them wins:
 *   1. environment: TWARC_CLOUD_<PROFILE>_BEARER_TOKEN ... and, for the profile "default",
 *      twarc2's own BEARER_TOKEN, CONSUMER_KEY, CONSUMER_SECRET, ACCESS_TOKEN, ACCESS_TOKEN_SECRET;
 *   2. twarc2's config file (~/.config/twarc/config, or TWARC_CONFIG): its top-level keys are the
 *      profile "default", a [name] section is the profile "name";
 *   3. SSM Parameter Store, when a parameter path is configured (on AWS, TWARC_CLOUD_SSM_PATH, which
 *      terraform sets in the task definition): <path>/<profile>/bearer_token ... as SecureString
 *      parameters. Every command the image runs finds them so, without passing the path along.
 */

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { quietAwsSdk } from '../aws/quiet-sdk.js';
import { UserError } from '../errors.js';
import { CREDENTIAL_KEYS, credentialsFrom, type CredentialKey, type XCredentials } from './credentials.js';

export interface CredentialSources {
  readonly env: NodeJS.ProcessEnv;
  readonly configFile?: string;
  /** An SSM parameter path (default: TWARC_CLOUD_SSM_PATH); the AWS SDK finds region, endpoint and credentials as usual. */
  readonly ssmPath?: string;
}

export async function resolveCredentials(profile: string, sources: CredentialSources): Promise<XCredentials> {
  const fromEnv = credentialsFrom(profile, environmentValues(profile, sources.env));
  if (fromEnv) return fromEnv;
  const configFile = sources.configFile ?? twarcConfigPath(sources.env);
  const fromFile = credentialsFrom(profile, await configFileValues(configFile, profile));
  if (fromFile) return fromFile;
  const ssmPath = sources.ssmPath ?? sources.env['TWARC_CLOUD_SSM_PATH'];
  if (ssmPath !== undefined) {
    const path = `${ssmPath.replace(/\/$/, '')}/${profile}`;
    const values = await ssmValues(path).catch((error: unknown) => {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new UserError(
        `cannot read credentials from SSM under ${path}/ (${detail})`,
        "the harvester's role needs ssm:GetParametersByPath on that path and kms:Decrypt for SecureString values; check AWS_REGION too",
      );
    });
    const fromSsm = credentialsFrom(profile, values);
    if (fromSsm) return fromSsm;
  }
  const variable = `${envPrefix(profile)}BEARER_TOKEN`;
  throw new UserError(
    `no X API credentials for profile "${profile}": not in the environment (${variable}), not in ${configFile}${profile === 'default' ? '' : ` [${profile}]`}${ssmPath !== undefined ? `, not in SSM under ${ssmPath}/${profile}/` : ''}`,
    profile === 'default'
      ? 'run `twarc2 configure`, or set BEARER_TOKEN in the environment'
      : `add a [${profile}] section with bearer_token = ... to ${configFile}, or set ${variable}`,
  );
}

/**
 * The profiles among `profiles` that the local sources define usably (the environment, twarc2's
 * config file), found as resolveCredentials finds them; and how to name those sources.
 */
export async function localProfiles(
  profiles: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ defined: ReadonlySet<string>; where: string }> {
  const configFile = twarcConfigPath(env);
  const sections = await readTwarcConfig(configFile).catch(() => new Map<string, Partial<Record<CredentialKey, string>>>());
  const defined = profiles.filter(
    (profile) =>
      credentialsFrom(profile, environmentValues(profile, env)) !== undefined ||
      credentialsFrom(profile, sections.get(profile) ?? {}) !== undefined,
  );
  return { defined: new Set(defined), where: `the environment or twarc2's config file ${configFile}` };
}

/** twarc2's config file: TWARC_CONFIG, else ~/.config/twarc/config. */
export function twarcConfigPath(env: NodeJS.ProcessEnv): string {
  return env['TWARC_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.config', 'twarc', 'config');
}

export function envPrefix(profile: string): string {
  return `TWARC_CLOUD_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
}

function environmentValues(profile: string, env: NodeJS.ProcessEnv): Partial<Record<CredentialKey, string>> {
  const values: Partial<Record<CredentialKey, string>> = {};
  for (const key of CREDENTIAL_KEYS) {
    const value = env[`${envPrefix(profile)}${key.toUpperCase()}`] ?? (profile === 'default' ? env[key.toUpperCase()] : undefined);
    if (value !== undefined) values[key] = value;
  }
  return values;
}

/** A profile's keys in twarc2's config file; none when the file does not exist. */
export async function configFileValues(path: string, profile: string): Promise<Partial<Record<CredentialKey, string>>> {
  return (await readTwarcConfig(path)).get(profile) ?? {};
}

/**
 * Reads twarc2's configobj-style file, every section: `key = value` lines, optional quotes,
 * `[section]` headers, # comments. Top-level keys are the section "default".
 */
export async function readTwarcConfig(path: string): Promise<Map<string, Partial<Record<CredentialKey, string>>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new UserError(`cannot read the twarc2 config file ${path}: ${(error as Error).message}`, 'check its permissions');
  }
  const sections = new Map<string, Partial<Record<CredentialKey, string>>>();
  let section = 'default';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[+\s*([^\]]+?)\s*\]+$/.exec(line);
    if (header?.[1] !== undefined) {
      section = header[1];
      continue;
    }
    const pair = /^([A-Za-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!pair?.[1] || pair[2] === undefined) continue;
    const key = pair[1].toLowerCase();
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(key)) continue;
    const values = sections.get(section) ?? {};
    values[key as CredentialKey] = unquote(pair[2]);
    sections.set(section, values);
  }
  return sections;
}

function unquote(value: string): string {
  const match = /^(["'])(.*)\1$/.exec(value.trim());
  return match?.[2] ?? value.trim();
}

async function ssmValues(path: string): Promise<Partial<Record<CredentialKey, string>>> {
  quietAwsSdk();
  const { SSMClient, GetParametersByPathCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({});
  const values: Partial<Record<CredentialKey, string>> = {};
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetParametersByPathCommand({ Path: path, WithDecryption: true, ...(token !== undefined ? { NextToken: token } : {}) }),
    );
    for (const parameter of page.Parameters ?? []) {
      const key = parameter.Name?.split('/').pop();
      if (key !== undefined && (CREDENTIAL_KEYS as readonly string[]).includes(key) && parameter.Value !== undefined)
        values[key as CredentialKey] = parameter.Value;
    }
    token = page.NextToken;
  } while (token !== undefined);
  client.destroy();
  return values;
}
