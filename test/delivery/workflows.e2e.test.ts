import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { ACTIONLINT_VERSION } from '../../scripts/tool-locations.js';

const WORKFLOWS = join(PACKAGE_ROOT, '.github', 'workflows');
const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));

interface Workflow {
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<
    string,
    {
      permissions?: Record<string, string>;
      if?: string;
      environment?: string;
      steps: Array<{ uses?: string; run?: string; with?: Record<string, string>; env?: Record<string, string> }>;
    }
  >;
}

describe('the GitHub Actions workflows', () => {
  it('pass actionlint', () => {
    const actionlint = join(PACKAGE_ROOT, '.tools', 'actionlint');
    if (!existsSync(actionlint)) {
      throw new Error(
        `actionlint is not installed, and this test needs it: npm test installs it (with go install), or:\n  GOBIN="$PWD/.tools" go install github.com/rhysd/actionlint/cmd/actionlint@v${ACTIONLINT_VERSION}`,
      );
    }
    const result = spawnSync(actionlint, ['-no-color'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  it('pass zizmor, offline, as an auditor reads them (an accepted finding goes in .github/zizmor.yml with its reason)', () => {
    const zizmor = join(PACKAGE_ROOT, '.venv', 'bin', 'zizmor');
    if (!existsSync(zizmor))
      throw new Error(
        'zizmor is not installed, and this test needs it: npm test installs test/requirements.txt into .venv (pip install zizmor)',
      );
    const result = spawnSync(zizmor, ['--offline', '--persona', 'auditor', '--format', 'plain', '--no-progress', '.github/workflows'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /No findings to report/);
  });

  it('keep applies apart from drift checks: an apply waits behind an apply, and no drift run takes its pending place', () => {
    const concurrency = (file: string): Workflow['concurrency'] =>
      (parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow).concurrency;
    assert.deepEqual(concurrency('apply.yml'), { group: 'twarc-cloud-apply', 'cancel-in-progress': false });
    for (const file of files.filter((f) => f !== 'apply.yml')) assert.notEqual(concurrency(file)?.group, 'twarc-cloud-apply', file);
  });

  it('apply from main alone, whatever dispatched the run', () => {
    const { jobs } = parse(readFileSync(join(WORKFLOWS, 'apply.yml'), 'utf8')) as Workflow;
    for (const [name, job] of Object.entries(jobs)) assert.equal(job.if, "github.ref == 'refs/heads/main'", name);
  });

  for (const file of files) {
    describe(file, () => {
      const workflow = parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;

      it('pins every action to a full commit SHA', () => {
        for (const step of Object.values(workflow.jobs).flatMap((j) => j.steps)) {
          if (step.uses !== undefined) assert.match(step.uses, /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, step.uses);
        }
      });

      it('leaves no token in the checkout (nothing pushes with git)', () => {
        for (const step of Object.values(workflow.jobs).flatMap((j) => j.steps)) {
          if (step.uses?.startsWith('actions/checkout@') === true) assert.equal(String(step.with?.['persist-credentials']), 'false');
        }
      });

      it('reads the repository only, unless a job asks for more', () => {
        assert.deepEqual(workflow.permissions, { contents: 'read' });
      });

      it('reaches AWS only through OIDC, never with stored keys, and only from jobs forks cannot run', () => {
        for (const [name, job] of Object.entries(workflow.jobs)) {
          const aws = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
          if (!aws) continue;
          assert.equal(job.permissions?.['id-token'], 'write', `${name} asks for an OIDC token`);
          assert.ok(aws.with?.['role-to-assume'], `${name} assumes a role`);
          assert.equal(aws.with['aws-access-key-id'], undefined);
          if (file === 'pull-request.yml')
            assert.match(job.if ?? '', /head\.repo\.full_name == github\.repository/, 'fork pull requests get no credentials');
        }
      });

      it('assumes the apply role only in the environment its trust names (production), every other role being the plan role', () => {
        for (const [name, job] of Object.entries(workflow.jobs)) {
          const role = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with?.['role-to-assume'];
          if (role === undefined) continue;
          if (role.includes('TWARC_CLOUD_APPLY_ROLE_ARN')) assert.equal(job.environment, 'production', `${name} runs in the environment`);
          else assert.match(role, /TWARC_CLOUD_PLAN_ROLE_ARN/, `${name} reads only`);
        }
      });
    });
  }

  it('call the CLI that npm ci linked, from node_modules/.bin on the PATH, without npx starting up on every call', () => {
    let calls = 0;
    for (const file of files) {
      for (const [name, job] of Object.entries((parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow).jobs)) {
        const runs = job.steps.map((step) => step.run ?? '');
        const firstCall = runs.findIndex((run) => /(^|\s)twarc-cloud /m.test(run));
        if (firstCall < 0) continue;
        calls += runs.filter((run) => /(^|\s)twarc-cloud /m.test(run)).length;
        assert.ok(!runs.some((run) => /\bnpx\b/.test(run)), `${file} ${name} calls npx`);
        const install = runs.indexOf('npm ci');
        const onPath = runs.findIndex((run) => run.includes('node_modules/.bin') && run.includes('GITHUB_PATH'));
        assert.ok(
          install >= 0 && install < onPath && onPath < firstCall,
          `${file} ${name}: npm ci, then node_modules/.bin on the PATH, then the CLI`,
        );
      }
    }
    assert.ok(calls >= 8, `${calls} calls of the CLI`);
    assert.ok(existsSync(join(PACKAGE_ROOT, 'node_modules', '.bin', 'twarc-cloud')), "npm ci's prepare script links the CLI there");
  });

  it('opens pull requests with TWARC_CLOUD_PR_TOKEN when set, so that their own checks run', () => {
    const opening = files
      .flatMap((file) => Object.values((parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow).jobs))
      .flatMap((job) => job.steps)
      .filter((step) => step.run?.includes('github pull-request') === true);
    assert.ok(opening.length > 0, 'the user-changes workflow opens one');
    for (const step of opening) assert.equal(step.env?.['GITHUB_TOKEN'], '${{ secrets.TWARC_CLOUD_PR_TOKEN || github.token }}');
  });
});
