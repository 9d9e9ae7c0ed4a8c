import { CREDENTIAL_KEYS, type CredentialKey } from './credentials.js';
import { readTwarcConfig } from './resolve.js';

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

/** Profiles in twarc2's config file, with the keys that have a value; an unreadable file lists none. */
export async function configFileProfiles(path: string): Promise<ProfileSource[]> {
  const sections = await readTwarcConfig(path).catch(() => new Map<string, Partial<Record<CredentialKey, string>>>());
  return [...sections]
    .map(([profile, values]) => ({
      profile,
      source: path,
      keys: Object.entries(values)
        .filter(([, value]) => value !== '')
        .map(([key]) => key)
        .sort(),
    }))
    .filter((p) => p.keys.length > 0);
}
