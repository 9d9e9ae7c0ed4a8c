import type { DesiredCollection } from '../../reconciler/plan/model.js';
import { missingProfileMessage, missingProfiles, type MissingProfile } from '../../reconciler/desired/credential-profiles.js';
import type { Settings } from '../../reconciler/settings/settings.js';
import { targetNamed } from '../../targets/targets.js';

/** What plan reports about the credentials profiles of the active collections; JSON as it is. */
export interface ProfileFindings {
  readonly checked_in?: string;
  readonly missing: readonly MissingProfile[];
  /** Why the target could not look; then nothing is reported missing. */
  readonly unchecked?: string;
}

/** Asks the target whether the profiles the active collections name are defined where its harvests look. */
export async function profileFindings(
  settings: Settings,
  targetName: string,
  desired: readonly DesiredCollection[],
  env: NodeJS.ProcessEnv,
): Promise<ProfileFindings> {
  const uses = desired.map((d) => ({ id: d.id, profile: d.body.credentials, state: d.state }));
  const active = [...new Set(uses.filter((u) => u.state === 'active').map((u) => u.profile))];
  if (active.length === 0) return { missing: [] };
  const check = await targetNamed(targetName).credentialProfiles(settings, env, active);
  if ('unchecked' in check) return { missing: [], unchecked: check.unchecked };
  return { checked_in: check.where, missing: missingProfiles(uses, check) };
}

/** One warning line per missing profile, naming its collections; a note when the target could not look. */
export function profileLines(findings: ProfileFindings | undefined): string[] {
  if (!findings) return [];
  const where = findings.checked_in ?? '';
  const lines = findings.missing.map(({ profile, ids }) => `Warning: ${ids.join(', ')}: ${missingProfileMessage(profile, where)}.`);
  if (findings.unchecked !== undefined) lines.push(`Credentials profiles not checked: ${findings.unchecked}.`);
  return lines;
}
