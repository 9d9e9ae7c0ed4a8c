/*
 * The module as the Terraform CLI sees it, offline: formatted, initialisable from the provider
 * mirror, valid. Its behaviour against AWS's APIs is aws-deployment.test.ts.
 */

import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startMoto } from '../helpers/moto.js';
import { motoOverride, terraformCopy } from '../helpers/terraform.js';

describe('the Terraform module, by the Terraform CLI', { timeout: 240_000 }, () => {
  it('is formatted as terraform fmt has it (and fmt -check does refuse a misformatted file)', async () => {
    const copy = terraformCopy();
    const formatted = await copy.run(['fmt', '-check', '-recursive', '-diff']);
    assert.equal(formatted.code, 0, `terraform fmt -check:\n${formatted.stdout}${formatted.stderr}`);
    appendFileSync(join(copy.dir, 'variables.tf'), 'variable "crooked" {\ntype=string\n}\n');
    const crooked = await copy.run(['fmt', '-check', '-recursive']);
    assert.notEqual(crooked.code, 0);
    assert.match(crooked.stdout, /variables\.tf/);
  });

  it('initialises offline from the provider mirror and validates', async () => {
    const copy = terraformCopy();
    await copy.ok(['init', '-backend=false', '-no-color']);
    const validated = JSON.parse(await copy.ok(['validate', '-json', '-no-color'])) as {
      valid: boolean;
      error_count: number;
      warning_count: number;
      diagnostics: Array<{ severity: string; summary: string; detail?: string }>;
    };
    assert.equal(validated.valid, true, JSON.stringify(validated.diagnostics, null, 2));
    assert.deepEqual(
      validated.diagnostics.map((d) => `${d.severity}: ${d.summary}`),
      [],
      'no warnings either (a deprecated argument is a future failure)',
    );
  });

  it('locks every object version in governance mode for object_lock_days when it is set, and grants no role a way around it', async () => {
    const moto = await startMoto();
    try {
      const copy = terraformCopy(motoOverride(moto.endpoint));
      await copy.ok(['init', '-no-color']);
      const vars = {
        deployment: 'tc-lock',
        region: 'us-east-1',
        bucket_name: 'tc-lock-archive',
        github_repository: 'lab/collections',
        image_tag: 'v1',
      };
      const required = Object.entries(vars).flatMap(([k, v]) => ['-var', `${k}=${v}`]);
      let documents: string[] = [];
      const planned = async (lockDays: number): Promise<Array<{ type: string; values: Record<string, unknown> }>> => {
        const args = [...required, '-var', `object_lock_days=${lockDays}`];
        await copy.ok(['plan', '-no-color', '-input=false', '-out', `plan-${lockDays}`, ...args]);
        const shown = JSON.parse(await copy.ok(['show', '-json', '-no-color', `plan-${lockDays}`])) as {
          planned_values: { root_module: { resources: Array<{ type: string; values: Record<string, unknown> }> } };
          prior_state?: { values?: { root_module?: { resources?: Array<{ type: string; values?: Record<string, unknown> }> } } };
        };
        // The policy documents, as Terraform rendered them while planning.
        documents = (shown.prior_state?.values?.root_module?.resources ?? [])
          .filter((r) => r.type === 'aws_iam_policy_document')
          .map((r) => (typeof r.values?.['json'] === 'string' ? r.values['json'] : ''));
        return shown.planned_values.root_module.resources;
      };
      const lockOf = (resources: Array<{ type: string; values: Record<string, unknown> }>): unknown =>
        resources.filter((r) => r.type === 'aws_s3_bucket_object_lock_configuration').map((r) => r.values['rule']);
      assert.deepEqual(lockOf(await planned(0)), [], 'no lock by default');
      const locked = await planned(30);
      assert.deepEqual(lockOf(locked), [[{ default_retention: [{ days: 30, mode: 'GOVERNANCE', years: null }] }]]);
      // The documents Terraform could render while planning, and the module's source for the rest.
      const source = readdirSync(copy.dir)
        .filter((name) => name.endsWith('.tf'))
        .map((name) => readFileSync(join(copy.dir, name), 'utf8'));
      assert.ok(documents.length > 0);
      for (const text of [...documents, ...source])
        assert.doesNotMatch(text, /"s3:(BypassGovernanceRetention|PutObjectRetention|PutObjectLegalHold)"/);
      const refused = await copy.run(['plan', '-no-color', '-input=false', ...required, '-var', 'object_lock_days=-1']);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /object_lock_days is a whole number of days/);
    } finally {
      await moto.stop();
    }
  });
});
