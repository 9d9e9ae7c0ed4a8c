import { readFile } from 'node:fs/promises';
import { CREDENTIAL_KEYS } from './credentials.js';

export interface ProfileSource {
  readonly profile: string;
  readonly source: string;
  /** Which keys the source has for the profile; never their values. */
  readonly keys: readonly string[];
}

/** Profiles named in the environment (TWARC_CLOUD_<PROFILE>_<KEY>, and twarc2's own names for default). */
export function environmentProfiles(env: NodeJS.ProcessEnv): ProfileSource[] {
  const found = new Map<string, Set<string>>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    for (const key of CREDENTIAL_KEYS) {
      const suffix = `_${key.toUpperCase()}`;
      if (name.startsWith('TWARC_CLOUD_') && name.endsWith(suffix) && name.length > 'TWARC_CLOUD_'.length + suffix.length) {
        const profile = name.slice('TWARC_CLOUD_'.length, -suffix.length).toLowerCase().replace(/_/g, '-');
        if (profile === 'api-base' || profile === 'ssm') continue;
        (found.get(profile) ?? found.set(profile, new Set()).get(profile))?.add(key);
      }
      if (name === key.toUpperCase()) (found.get('default') ?? found.set('default', new Set()).get('default'))?.add(key);
    }
  }
  return [...found].map(([profile, keys]) => ({ profile, source: 'environment', keys: [...keys].sort() }));
}

/** Profiles in twarc2's config file: top-level keys are "default", [sections] the others. */
export async function configFileProfiles(path: string): Promise<ProfileSource[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const found = new Map<string, Set<string>>();
  let section = 'default';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[+\s*([^\]]+?)\s*\]+$/.exec(line);
    if (header?.[1] !== undefined) {
      section = header[1];
      continue;
    }
    const key = /^([A-Za-z_]+)\s*=\s*\S/.exec(line)?.[1]?.toLowerCase();
    if (key !== undefined && (CREDENTIAL_KEYS as readonly string[]).includes(key)) (found.get(section) ?? found.set(section, new Set()).get(section))?.add(key);
  }
  return [...found].map(([profile, keys]) => ({ profile, source: path, keys: [...keys].sort() }));
}
