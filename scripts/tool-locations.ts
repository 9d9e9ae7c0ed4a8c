/*
 * Where the test tools live: one place for the setup script and the tests that run them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';

export const ACTIONLINT_VERSION = '1.7.12';
/** The provider the module pins, found in a local filesystem mirror so that terraform init works offline. */
export const TERRAFORM_PROVIDER = { source: 'registry.terraform.io/hashicorp/aws', version: '5.100.0' } as const;

export function toolPath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/** The folder that holds registry.terraform.io/hashicorp/aws/<version>/<platform>/terraform-provider-aws_*, if any. */
export function findProviderMirror(): string | undefined {
  const candidates = [
    process.env['TWARC_CLOUD_TF_MIRROR'],
    '/opt/tf-plugins',
    join(homedir(), '.terraform.d', 'plugins'),
    join(homedir(), '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
  return candidates.find((folder): folder is string => {
    if (folder === undefined) return false;
    const versionFolder = join(folder, ...TERRAFORM_PROVIDER.source.split('/'), TERRAFORM_PROVIDER.version);
    if (!existsSync(versionFolder)) return false;
    return readdirSync(versionFolder).some((platform) =>
      readdirSync(join(versionFolder, platform)).some((name) => name.startsWith('terraform-provider-aws')),
    );
  });
}
