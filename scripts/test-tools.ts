/*
 * What `npm test` needs besides the Node packages, set up on first use so that a fresh clone with
 * Node, Python 3 and Go passes `npm ci && npm test` with no other step: two Python virtual
 * environments (.venv from test/requirements.txt: moto_server, twarc2, twarc-csv, policy_sentry,
 * parliament, cloudsplaining, zizmor;
 * .venv-checkov from test/requirements-checkov.txt, because checkov's pins clash with moto's),
 * actionlint (go install into .tools), and a check that the Terraform CLI and the AWS provider's
 * local mirror are there. Each environment is made again only when its requirements file changes
 * (a stamp holds the file's hash). What is missing is said with how to install it.
 */
import { createHash } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { ACTIONLINT_VERSION, findProviderMirror, TERRAFORM_PROVIDER } from './tool-locations.js';

class Missing extends Error {}

/** The same, without blocking: the installs are mostly waiting on downloads, so they run side by side. */
function runAsync(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: PACKAGE_ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}${error ? error.message : ''}` });
    });
  });
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): { ok: boolean; output: string } {
  const result = spawnSync(command, args, { cwd: PACKAGE_ROOT, env, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}${result.error ? String(result.error) : ''}` };
}

function need(command: string, install: string): void {
  if (!run('sh', ['-c', `command -v ${command}`]).ok) throw new Missing(`${command} is missing, and the tests need it: ${install}`);
}

async function pythonEnvironment(folder: string, requirements: string): Promise<void> {
  const wanted = createHash('sha256')
    .update(readFileSync(join(PACKAGE_ROOT, requirements)))
    .digest('hex');
  const stamp = join(PACKAGE_ROOT, folder, '.requirements-sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  need('python3', 'install Python 3.9 or newer with venv (Debian: apt-get install python3 python3-venv)');
  process.stdout.write(`test tools: installing ${requirements} into ${folder} (once)\n`);
  const made = await runAsync('python3', ['-m', 'venv', folder]);
  if (!made.ok) throw new Missing(`python3 -m venv ${folder} failed (Debian: apt-get install python3-venv):\n${made.output}`);
  const installed = await runAsync(join(folder, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements]);
  if (!installed.ok) throw new Missing(`pip install -r ${requirements} failed:\n${installed.output}`);
  writeFileSync(stamp, wanted);
}

async function actionlint(): Promise<void> {
  const binary = join(PACKAGE_ROOT, '.tools', 'actionlint');
  if (existsSync(binary) && run(binary, ['-version']).output.startsWith(`v${ACTIONLINT_VERSION}`)) return;
  need('go', 'install Go 1.22 or newer (the workflow tests build actionlint with go install)');
  process.stdout.write(`test tools: installing actionlint ${ACTIONLINT_VERSION} into .tools (once)\n`);
  const installed = await runAsync('go', ['install', `github.com/rhysd/actionlint/cmd/actionlint@v${ACTIONLINT_VERSION}`], {
    ...process.env,
    GOBIN: join(PACKAGE_ROOT, '.tools'),
  });
  if (!installed.ok) throw new Missing(`go install of actionlint failed:\n${installed.output}`);
}

function terraform(): void {
  need('terraform', 'install the Terraform CLI (1.10 or newer, for S3-native state locking) on the PATH');
  if (findProviderMirror() === undefined) {
    throw new Missing(
      `no local mirror of the ${TERRAFORM_PROVIDER.source} ${TERRAFORM_PROVIDER.version} provider was found, and the Terraform tests run offline from one: ` +
        'put it in a folder laid out as registry.terraform.io/hashicorp/aws/<version>/linux_amd64/ (terraform providers mirror <folder> does it) ' +
        'and name that folder in TWARC_CLOUD_TF_MIRROR',
    );
  }
}

try {
  terraform();
  await Promise.all([
    pythonEnvironment('.venv', 'test/requirements.txt'),
    pythonEnvironment('.venv-checkov', 'test/requirements-checkov.txt'),
    actionlint(),
  ]);
} catch (error) {
  if (!(error instanceof Missing)) throw error;
  process.stderr.write(`test tools: ${error.message}\n`);
  process.exit(1);
}
