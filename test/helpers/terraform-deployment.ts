/*
 * A deployment made by the real Terraform CLI from terraform/, on moto_server: its variables, its
 * outputs, and the IAM roles and inline policies exactly as Terraform rendered them.
 */

import type { PolicyDocument } from './iam/policy-evaluation.js';
import { motoOverride, terraformCopy, type TerraformDir } from './terraform.js';

export interface DeploymentVariables {
  readonly deployment: string;
  readonly region: string;
  readonly bucket_name: string;
  readonly github_repository: string;
  readonly image_tag: string;
}

export interface RenderedRole {
  readonly name: string;
  readonly arn: string;
  readonly trust: PolicyDocument;
  /** Inline policies by name. */
  readonly policies: ReadonlyMap<string, PolicyDocument>;
}

export interface TerraformDeployment {
  readonly tf: TerraformDir;
  readonly variables: DeploymentVariables;
  /** Applies the module with these variables (changed ones merged in); returns terraform's stdout. */
  apply(changes?: Partial<DeploymentVariables>): Promise<string>;
  /** `terraform plan -detailed-exitcode` (with these variables changed): 0 when nothing would change, 2 when something would. */
  planExitCode(changes?: Partial<DeploymentVariables>): Promise<{ code: number | null; output: string }>;
  outputs(): Promise<Record<string, unknown>>;
  /** The attribute values of every resource of a type in the state. */
  valuesOf(type: string): Promise<Array<Record<string, unknown>>>;
  /** The roles in the state, by name. */
  roles(): Promise<ReadonlyMap<string, RenderedRole>>;
  /** The module's variables and outputs as Terraform itself reads them from the configuration. */
  interface(): Promise<{ variables: string[]; outputs: string[] }>;
}

interface StateResource {
  readonly type: string;
  readonly values: Record<string, unknown>;
}

const args = (variables: DeploymentVariables): string[] =>
  Object.entries(variables).flatMap(([name, value]) => ['-var', `${name}=${value}`]);

export async function terraformDeployment(motoEndpoint: string, initial: DeploymentVariables): Promise<TerraformDeployment> {
  const tf = terraformCopy(motoOverride(motoEndpoint));
  await tf.ok(['init', '-no-color']);
  let variables = initial;
  const stateResources = async (): Promise<StateResource[]> => {
    const state = JSON.parse(await tf.ok(['show', '-json', '-no-color'])) as {
      values?: { root_module?: { resources?: StateResource[] } };
    };
    return state.values?.root_module?.resources ?? [];
  };
  return {
    tf,
    get variables() {
      return variables;
    },
    async apply(changes = {}) {
      variables = { ...variables, ...changes };
      return tf.ok(['apply', '-auto-approve', '-no-color', '-input=false', ...args(variables)]);
    },
    async planExitCode(changes = {}) {
      const result = await tf.run(['plan', '-detailed-exitcode', '-no-color', '-input=false', ...args({ ...variables, ...changes })]);
      return { code: result.code, output: result.stdout + result.stderr };
    },
    async outputs() {
      const raw = JSON.parse(await tf.ok(['output', '-json', '-no-color'])) as Record<string, { value: unknown }>;
      return Object.fromEntries(Object.entries(raw).map(([name, output]) => [name, output.value]));
    },
    async valuesOf(type) {
      return (await stateResources()).filter((r) => r.type === type).map((r) => r.values);
    },
    async roles() {
      const resources = await stateResources();
      const roles = new Map<string, RenderedRole>();
      for (const role of resources.filter((r) => r.type === 'aws_iam_role')) {
        const name = String(role.values['name']);
        const policies = new Map<string, PolicyDocument>();
        for (const inline of resources.filter((r) => r.type === 'aws_iam_role_policy' && r.values['role'] === name))
          policies.set(String(inline.values['name']), JSON.parse(String(inline.values['policy'])) as PolicyDocument);
        roles.set(name, {
          name,
          arn: String(role.values['arn']),
          trust: JSON.parse(String(role.values['assume_role_policy'])) as PolicyDocument,
          policies,
        });
      }
      return roles;
    },
    async interface() {
      await tf.ok(['plan', '-no-color', '-input=false', '-out=interface.tfplan', ...args(variables)]);
      const plan = JSON.parse(await tf.ok(['show', '-json', '-no-color', 'interface.tfplan'])) as {
        configuration: { root_module: { variables?: Record<string, unknown>; outputs?: Record<string, unknown> } };
      };
      return {
        variables: Object.keys(plan.configuration.root_module.variables ?? {}),
        outputs: Object.keys(plan.configuration.root_module.outputs ?? {}),
      };
    },
  };
}
