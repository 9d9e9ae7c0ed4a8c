/*
 * The one place that derives AWS resource names from a deployment name and a collection id, and the
 * rules AWS sets for each kind of name. Validation calls `derivedNameProblems` so that an id which would
 * produce an invalid name is refused before anything is created, whatever limits the schema sets.
 */

interface NameRule {
  readonly what: string;
  readonly maxLength: number;
  readonly allowed: RegExp;
  readonly allowedText: string;
}

const EVENTBRIDGE_RULE: NameRule = {
  what: 'EventBridge rule name',
  maxLength: 64,
  allowed: /^[.\-_A-Za-z0-9]+$/,
  allowedText: 'letters, digits, ".", "-" and "_"',
};

const ECS_NAME: NameRule = {
  what: 'ECS service name',
  maxLength: 255,
  allowed: /^[A-Za-z0-9_-]+$/,
  allowedText: 'letters, digits, "-" and "_"',
};

const TASK_FAMILY: NameRule = { ...ECS_NAME, what: 'ECS task definition family' };

/**
 * What joins the deployment name and the collection id: "_", which neither holds. So the names of
 * one deployment's collections ("lab_*") never cover another deployment's ("lab-test_*"), nor the
 * names terraform gives its own resources ("lab-harvester", "lab-task-failed"), and the IAM patterns
 * terraform writes for them can be exact.
 */
const SEPARATOR = '_';

/** The start of every collection resource name of a deployment; listing by it finds them all. */
export function collectionNamePrefix(deployment: string): string {
  return `${deployment}${SEPARATOR}`;
}

export function scheduleRuleName(deployment: string, collectionId: string): string {
  return `${collectionNamePrefix(deployment)}${collectionId}`;
}

export function serviceName(deployment: string, collectionId: string): string {
  return `${collectionNamePrefix(deployment)}${collectionId}`;
}

export function taskDefinitionFamily(deployment: string, collectionId: string): string {
  return `${collectionNamePrefix(deployment)}${collectionId}`;
}

const COMPLIANCE_INFIX = `compliance${SEPARATOR}`;

/**
 * The EventBridge rule of a collection's compliance schedule: the deployment's prefix (so that
 * terraform's IAM pattern for rules covers it unchanged), then `compliance_` and the id. Ids hold
 * no "_", so it is never a collection's own rule.
 */
export function complianceRuleName(deployment: string, collectionId: string): string {
  return `${collectionNamePrefix(deployment)}${COMPLIANCE_INFIX}${collectionId}`;
}

/** The start of every compliance rule name of a deployment; listing by it finds them all. */
export function complianceRulePrefix(deployment: string): string {
  return `${collectionNamePrefix(deployment)}${COMPLIANCE_INFIX}`;
}

/** The collection id of a compliance rule's name, or undefined for other names. */
export function collectionIdOfComplianceRule(deployment: string, name: string): string | undefined {
  const prefix = complianceRulePrefix(deployment);
  const rest = name.slice(prefix.length);
  return name.startsWith(prefix) && COLLECTION_ID.test(rest) ? rest : undefined;
}

/** Every name derived for one collection, with the rule AWS applies to it; the compliance rule only where it has one. */
function derivedNames(deployment: string, collectionId: string, compliance: boolean): Array<[string, NameRule]> {
  return [
    [scheduleRuleName(deployment, collectionId), EVENTBRIDGE_RULE],
    [serviceName(deployment, collectionId), ECS_NAME],
    [taskDefinitionFamily(deployment, collectionId), TASK_FAMILY],
    ...(compliance ? [[complianceRuleName(deployment, collectionId), EVENTBRIDGE_RULE] as [string, NameRule]] : []),
  ];
}

/** Messages for each derived name that AWS would refuse; empty when all are valid. */
export function derivedNameProblems(deployment: string, collectionId: string, options: { readonly compliance?: boolean } = {}): string[] {
  const problems: string[] = [];
  for (const [name, rule] of derivedNames(deployment, collectionId, options.compliance === true)) {
    if (name.length > rule.maxLength) {
      problems.push(
        `the ${rule.what} "${name}" derived from deployment "${deployment}" and this id would be ${name.length} characters; AWS allows ${rule.maxLength}. Shorten the id`,
      );
    } else if (!rule.allowed.test(name)) {
      problems.push(`the ${rule.what} "${name}" derived from this id may contain only ${rule.allowedText}`);
    }
  }
  return problems;
}

/**
 * The SSM Parameter Store path under which a deployment's credentials profiles live, one folder per
 * profile (terraform's ssm_prefix in versions.tf is the same path; the task gets it as TWARC_CLOUD_SSM_PATH).
 */
export function credentialsParameterPath(deployment: string, profile?: string): string {
  return `/${deployment}/credentials${profile !== undefined ? `/${profile}` : ''}`;
}

/** Tags that mark a resource as this deployment's: resources without them are never changed or deleted. */
export const DEPLOYMENT_TAG = 'twarc-cloud:deployment';
export const COLLECTION_TAG = 'twarc-cloud:collection';

/**
 * Whose a resource is, by the one rule for every kind (rules, services, task definitions): ours
 * when tagged for this deployment and this collection; untagged when it carries neither owner tag
 * (a collection that wants it may adopt it); foreign otherwise, never touched. Terraform's own
 * resources carry the deployment tag but no collection tag, so they are foreign too.
 */
export type Ownership = 'ours' | 'untagged' | 'foreign';

export function ownershipOf(tags: Readonly<Record<string, string>>, deployment: string, collectionId: string): Ownership {
  const owner = tags[DEPLOYMENT_TAG];
  const collection = tags[COLLECTION_TAG];
  if (owner === undefined && collection === undefined) return 'untagged';
  return owner === deployment && collection === collectionId ? 'ours' : 'foreign';
}

/** How a foreign resource's tags read in a message. */
export function describeOwner(tags: Readonly<Record<string, string>>): string {
  const owner = tags[DEPLOYMENT_TAG];
  const collection = tags[COLLECTION_TAG];
  if (owner === undefined) return `tagged for collection ${String(collection)} without a deployment`;
  return collection === undefined
    ? `tagged for deployment ${owner} but for no collection (not made by twarc-cloud apply)`
    : `tagged for collection ${collection} of deployment ${owner}`;
}

export function ownershipTags(deployment: string, collectionId: string): Record<string, string> {
  return { [DEPLOYMENT_TAG]: deployment, [COLLECTION_TAG]: collectionId };
}

/** The collection id of a resource name derived by this module, or undefined for other names (a stream group's among them). */
export function collectionIdOfName(deployment: string, name: string): string | undefined {
  const prefix = collectionNamePrefix(deployment);
  const rest = name.slice(prefix.length);
  return name.startsWith(prefix) && COLLECTION_ID.test(rest) ? rest : undefined;
}

/** Collection ids hold no "_" (the collection schema's pattern); so no collection's names cover a stream group's. */
const COLLECTION_ID = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const STREAM_GROUP_INFIX = `stream${SEPARATOR}`;
export const STREAM_GROUP_TAG = 'twarc-cloud:stream-group';

/**
 * The ECS service (and task definition family) of a stream group: the deployment's prefix, so that
 * terraform's IAM patterns for collection services cover it unchanged, then `stream_` and the
 * profile, whose "." ECS names refuse (written "-"; the tag keeps the profile exactly).
 */
export function streamGroupServiceName(deployment: string, profile: string): string {
  return `${collectionNamePrefix(deployment)}${STREAM_GROUP_INFIX}${profile.replace(/\./g, '-')}`;
}

/** True for the name of a stream group's service of this deployment. */
export function isStreamGroupName(deployment: string, name: string): boolean {
  return name.startsWith(`${collectionNamePrefix(deployment)}${STREAM_GROUP_INFIX}`);
}

export function streamGroupTags(deployment: string, profile: string): Record<string, string> {
  return { [DEPLOYMENT_TAG]: deployment, [STREAM_GROUP_TAG]: profile };
}

/** Whose a stream group's resource is: ours when tagged for this deployment and this group; the same rule as for collections. */
export function streamGroupOwnership(tags: Readonly<Record<string, string>>, deployment: string, profile: string): Ownership {
  const owner = tags[DEPLOYMENT_TAG];
  const group = tags[STREAM_GROUP_TAG];
  if (owner === undefined && group === undefined && tags[COLLECTION_TAG] === undefined) return 'untagged';
  return owner === deployment && group === profile ? 'ours' : 'foreign';
}
