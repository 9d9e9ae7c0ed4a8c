/*
 * The module as the Terraform CLI sees it, offline: formatted, initialisable from the provider
 * mirror, valid. Its behaviour against AWS's APIs is aws-deployment.test.ts.
 */

import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { terraformCopy } from '../helpers/terraform.js';

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
});
