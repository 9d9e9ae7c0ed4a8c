/*
 * The real Terraform CLI on a copy of terraform/, offline: a CLI config of the test's own names the
 * local filesystem mirror of the AWS provider (the TF_CLI_CONFIG_FILE of the environment may name a
 * file that does not exist), and a test-only override file points the provider at moto_server.
 * The module itself is never changed.
 */

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { findProviderMirror, TERRAFORM_PROVIDER } from '../../scripts/tool-locations.js';

export interface TerraformResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TerraformDir {
  readonly dir: string;
  /** Runs terraform in the copy, without blocking the event loop (servers in the test keep answering). */
  run(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<TerraformResult>;
  /** Like run, and fails with terraform's own output on a non-zero exit. */
  ok(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string>;
}

const INSTALL_HINT =
  'Install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and put the hashicorp/aws ' +
  `${TERRAFORM_PROVIDER.version} provider in a filesystem mirror (terraform providers mirror <dir>), then set TWARC_CLOUD_TF_MIRROR=<dir>`;

export function requireTerraform(): { mirror: string } {
  const version = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) throw new Error(`terraform is not on the PATH, and this test needs it. ${INSTALL_HINT}`);
  const mirror = findProviderMirror();
  if (mirror === undefined)
    throw new Error(`no filesystem mirror holds the hashicorp/aws provider, and this test needs it. ${INSTALL_HINT}`);
  return { mirror };
}

/** A copy of terraform/ in a temp dir of its own, with `override` (HCL) as override.tf when given. */
export function terraformCopy(override?: string): TerraformDir {
  const { mirror } = requireTerraform();
  const dir = mkdtempSync(join(tmpdir(), 'twarc-cloud-tf-'));
  const module = join(dir, 'module');
  cpSync(join(PACKAGE_ROOT, 'terraform'), module, { recursive: true, filter: (source) => !/\.terraform|tfstate/.test(source) });
  if (override !== undefined) writeFileSync(join(module, 'override.tf'), override);
  const cliConfig = join(dir, 'terraformrc');
  writeFileSync(
    cliConfig,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = [${JSON.stringify(TERRAFORM_PROVIDER.source)}]`,
      '  }',
      '  direct {',
      `    exclude = [${JSON.stringify(TERRAFORM_PROVIDER.source)}]`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: dir,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
  const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<TerraformResult> =>
    new Promise((resolve) => {
      const child = spawn('terraform', [...args], { cwd: module, env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => {
        resolve({ code, stdout, stderr });
      });
    });
  return {
    dir: module,
    run,
    ok: async (args, env) => {
      const result = await run(args, env);
      if (result.code !== 0)
        throw new Error(`terraform ${args.join(' ')} exited ${String(result.code)}:\n${result.stderr}\n${result.stdout.slice(-4000)}`);
      return result.stdout;
    },
  };
}

/** The override that points the module at moto_server: a local backend, moto's endpoints, and moto's quirks worked around. */
export function motoOverride(endpoint: string): string {
  const services = ['s3', 'ec2', 'ecs', 'ecr', 'iam', 'sts', 'sns', 'sqs', 'kms', 'logs', 'events', 'cloudwatch', 'ssm'];
  return [
    'terraform {',
    '  backend "local" {}',
    '}',
    'provider "aws" {',
    '  access_key                  = "test"',
    '  secret_key                  = "test"',
    '  skip_credentials_validation = true',
    '  skip_requesting_account_id  = true',
    '  skip_metadata_api_check     = true',
    '  s3_use_path_style           = true',
    '  endpoints {',
    ...services.map((service) => `    ${service.padEnd(10)} = ${JSON.stringify(endpoint)}`),
    '  }',
    '}',
    // moto reads a Deny whose condition does not match as a deny, so the TLS-only bucket policy would
    // refuse every write over moto's plain HTTP. The module's own statement is checked by reading it
    // (terraform.test.ts); here it is replaced with one that grants and denies nothing the tests do.
    'data "aws_iam_policy_document" "tls_only" {',
    '  statement {',
    '    sid       = "MotoStandIn"',
    '    actions   = ["s3:GetObject"]',
    '    resources = ["${aws_s3_bucket.archive.arn}/*"]',
    '    principals {',
    '      type        = "AWS"',
    '      identifiers = ["arn:aws:iam::123456789012:root"]',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}
