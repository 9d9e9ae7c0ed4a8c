/*
 * checkov, offline, over what is deployed: the Terraform module, the Dockerfile and the workflows.
 * Every finding is fixed or accepted with a reason in terraform/checkov-allow.yaml.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { venvTool } from '../helpers/python-tools.js';

interface Finding {
  readonly check: string;
  readonly resource: string;
  readonly file: string;
  readonly name: string;
}

interface Accepted {
  readonly check: string;
  readonly resource: string;
  readonly reason: string;
}

/** checkov over a copy of what ships (never the working tree's .terraform or state), as JSON findings. */
async function checkov(extra: Record<string, string> = {}): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'twarc-cloud-checkov-'));
  cpSync(join(PACKAGE_ROOT, 'terraform'), join(dir, 'terraform'), { recursive: true, filter: (path) => !/\.terraform|tfstate/.test(path) });
  cpSync(join(PACKAGE_ROOT, 'Dockerfile'), join(dir, 'Dockerfile'));
  mkdirSync(join(dir, '.github'));
  cpSync(join(PACKAGE_ROOT, '.github', 'workflows'), join(dir, '.github', 'workflows'), { recursive: true });
  for (const [path, text] of Object.entries(extra)) writeFileSync(join(dir, path), text);
  const bin = venvTool('checkov', '.venv-checkov');
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      bin,
      ['-d', dir, '--framework', 'terraform', 'dockerfile', 'github_actions', '-o', 'json', '--quiet', '--compact'],
      {
        env: { PATH: process.env['PATH'], HOME: dir, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      // checkov exits 1 when it finds something; anything else is its own failure.
      if (code === 0 || code === 1) resolve(stdout);
      else reject(new Error(`checkov exited ${String(code)}:\n${stderr}`));
    });
  });
  const reports = [JSON.parse(output) as unknown].flat() as Array<{
    results?: { failed_checks?: Array<{ check_id: string; resource: string; file_path: string; check_name: string }> };
  }>;
  return reports.flatMap((report) =>
    (report.results?.failed_checks ?? []).map((f) => ({ check: f.check_id, resource: f.resource, file: f.file_path, name: f.check_name })),
  );
}

const allowList = (): Accepted[] => parse(readFileSync(join(PACKAGE_ROOT, 'terraform', 'checkov-allow.yaml'), 'utf8')) as Accepted[];
const key = (entry: { check: string; resource: string }): string => `${entry.check} ${entry.resource}`;

describe('checkov over the module, the Dockerfile and the workflows', { timeout: 240_000 }, () => {
  it('finds nothing that is not fixed or accepted with a reason, and the allow-list has no stale entry', async () => {
    const findings = await checkov();
    const accepted = allowList();
    for (const entry of accepted) assert.ok(entry.reason.trim().length > 20, `${key(entry)} says why it is accepted`);
    const acceptedKeys = new Set(accepted.map(key));
    assert.deepEqual(
      findings.filter((f) => !acceptedKeys.has(key(f))).map((f) => `${key(f)} (${f.file}): ${f.name}`),
      [],
      'fix these, or accept them in terraform/checkov-allow.yaml with the reason',
    );
    const found = new Set(findings.map(key));
    assert.deepEqual(
      accepted.filter((entry) => !found.has(key(entry))).map(key),
      [],
      'these accepted findings no longer occur: remove them from the allow-list',
    );
  });

  it('does report a new problem (a bucket without a public access block)', async () => {
    const findings = await checkov({ 'terraform/planted.tf': 'resource "aws_s3_bucket" "planted" {\n  bucket = "planted"\n}\n' });
    assert.ok(
      findings.some((f) => f.resource === 'aws_s3_bucket.planted'),
      findings.map(key).join('\n'),
    );
  });
});
