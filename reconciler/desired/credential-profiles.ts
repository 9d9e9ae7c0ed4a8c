/*
 * Whether the credentials profiles the collections name are defined where the target's harvests look
 * for them. A target finds out what is defined (its own sources: the environment and twarc2's config
 * file locally, SSM Parameter Store on AWS); this module only compares, so that validate and plan word
 * the finding alike. It is a warning, never an error: CI's plan job runs without credentials by design.
 */

/** What a target could tell about its credentials profiles. */
export type ProfileCheck =
  | { readonly defined: ReadonlySet<string>; readonly where: string }
  /** Why it could not look (no AWS credentials, a role that may not list parameters). */
  | { readonly unchecked: string };

/** A target's way of finding out which of the given profiles its sources define. */
export type ProfileLookup = (profiles: readonly string[]) => Promise<ProfileCheck>;

export interface ProfileUse {
  readonly id: string;
  readonly profile: string;
  readonly state: string;
}

export interface MissingProfile {
  readonly profile: string;
  /** The active collections that name it, sorted. */
  readonly ids: readonly string[];
}

/**
 * The profiles active collections name that the check did not find. A suspended collection runs
 * nothing, so its profile may come later; it is checked once it is resumed.
 */
export function missingProfiles(uses: readonly ProfileUse[], check: ProfileCheck): MissingProfile[] {
  if ('unchecked' in check) return [];
  const missing = new Map<string, string[]>();
  for (const use of uses) {
    if (use.state !== 'active' || check.defined.has(use.profile)) continue;
    missing.set(use.profile, [...(missing.get(use.profile) ?? []), use.id]);
  }
  return [...missing].sort(([a], [b]) => a.localeCompare(b)).map(([profile, ids]) => ({ profile, ids: ids.sort() }));
}

/** The one wording of a missing profile, for validate's warning and plan's report. */
export function missingProfileMessage(profile: string, where: string): string {
  return `credentials profile "${profile}" is not defined in ${where}: its harvests will fail until it is (twarc-cloud credentials list shows the profiles found; the README's "Credentials" says how to add one)`;
}
