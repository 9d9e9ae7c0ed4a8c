/*
 * The one list of targets: where collections can run. The CLI (the composition root) chooses one
 * by name and opens it; its help strings name the targets from here, and validation applies every
 * target's naming rules. A new target is a folder beside local/ and aws/ and one entry below.
 * Adapters load when opened: a command that only validates or reads the archive never loads them.
 */
import { UserError } from '../platform/errors.js';
import { openArchiveStore } from '../platform/archive/open-store.js';
import type { ArchiveStore } from '../platform/archive/store.js';
import type { NameProblem, NameRules } from '../reconciler/desired/name-rules.js';
import type { Settings } from '../reconciler/settings/settings.js';
import type { Target } from '../reconciler/target.js';
import type { ProfileCheck } from '../reconciler/desired/credential-profiles.js';
import { awsSettings } from './aws/aws-settings.js';
import { derivedNameProblems } from './aws/naming/aws-names.js';
import { requireLocalArchive } from './local/local-archive.js';

export interface OpenContext {
  /** Who acts: recorded in stop requests and changesets. */
  readonly actor: string;
  readonly report: (line: string) => void;
}

export interface TargetKind {
  readonly name: string;
  open(settings: Settings, context: OpenContext): Promise<Target>;
  /** Its archive alone, for commands that only read or write the archive; `mustExist` refuses one not made yet. */
  archive(settings: Settings, options?: { readonly mustExist?: boolean }): Promise<ArchiveStore>;
  /** Where its archive is, as a location `--archive` takes. */
  archiveLocation(settings: Settings): string;
  /** Problems with the names this target would derive from a collection id. */
  readonly nameRules: NameRules;
  /** Which of `profiles` its harvests would find credentials for, in the sources they read. */
  credentialProfiles(settings: Settings, env: NodeJS.ProcessEnv, profiles: readonly string[]): Promise<ProfileCheck>;
}

/** How long apply waits for a stopped harvest to finish storing what it has. */
const STOP_WAIT_MS = 120_000;

const LOCAL: TargetKind = {
  name: 'local',
  async open(settings, context) {
    const [{ LocalTarget }, { LocalArchiveStore }] = await Promise.all([
      import('./local/local-target.js'),
      import('../platform/archive/local-store.js'),
    ]);
    return new LocalTarget(new LocalArchiveStore(settings.local.archive), { ...context, stopWaitMs: STOP_WAIT_MS });
  },
  archive(settings, options = {}) {
    if (options.mustExist === true) requireLocalArchive(settings.local.archive);
    return openArchiveStore(settings.local.archive);
  },
  archiveLocation: (settings) => settings.local.archive,
  // Ids are already safe folder names (the collection schema's pattern).
  nameRules: () => [],
  async credentialProfiles(_settings, env, profiles) {
    const { localProfiles } = await import('../platform/credentials/resolve.js');
    return localProfiles(profiles, env);
  },
};

const AWS: TargetKind = {
  name: 'aws',
  async open(settings, context) {
    const { openAwsTarget } = await import('./aws/open-aws-target.js');
    return openAwsTarget(settings, context.actor, context.report);
  },
  archive(settings) {
    const aws = awsSettings(settings);
    return openArchiveStore(`s3://${aws.bucket}`, { region: aws.region });
  },
  archiveLocation: (settings) => `s3://${awsSettings(settings).bucket}`,
  nameRules: (deployment, collection) =>
    derivedNameProblems(deployment, collection.id, { compliance: collection.compliance }).map((message): NameProblem => ({
      rule: 'id/aws-name',
      message,
    })),
  async credentialProfiles(settings) {
    const { ssmProfiles } = await import('./aws/ssm-profiles.js');
    return ssmProfiles(settings.deployment, awsSettings(settings).region);
  },
};

export const TARGETS: readonly TargetKind[] = [LOCAL, AWS];

export const TARGET_NAMES: readonly string[] = TARGETS.map((target) => target.name);

/** Every target's naming rules: a repository valid for one target is valid for all. */
export const EVERY_TARGETS_NAME_RULES: NameRules = (deployment, collection) =>
  TARGETS.flatMap((target) => target.nameRules(deployment, collection));

export function targetNamed(name: string): TargetKind {
  const found = TARGETS.find((target) => target.name === name);
  if (!found) throw new UserError(`unknown target "${name}"`, `choose one of ${TARGET_NAMES.join(', ')}`);
  return found;
}
