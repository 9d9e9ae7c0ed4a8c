/*
 * No Terraform binary can be installed here, so the module is parsed with HCL's own parser
 * (@cdktf/hcl2json, Go's hcl compiled to WebAssembly) and checked for what matters structurally.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from '@cdktf/hcl2json';
import { PACKAGE_ROOT } from '../../platform/paths.js';

const DIR = join(PACKAGE_ROOT, 'terraform');
const files = readdirSync(DIR).filter((f) => f.endsWith('.tf'));
const sources = new Map(files.map((f) => [f, readFileSync(join(DIR, f), 'utf8')]));
const allText = [...sources.values()].join('\n');

type Blocks = Record<string, Record<string, Array<Record<string, unknown>>>>;
interface Module {
  variable: Record<string, unknown[]>;
  output: Record<string, unknown[]>;
  resource: Blocks;
  data: Blocks;
  provider: Record<string, Array<Record<string, unknown>>>;
}
const module: Module = { variable: {}, output: {}, resource: {}, data: {}, provider: {} };

before(async () => {
  for (const [file, text] of sources) {
    const parsed = (await parse(file, text)) as Partial<Module>;
    Object.assign(module.variable, parsed.variable);
    Object.assign(module.output, parsed.output);
    Object.assign(module.provider, parsed.provider);
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries(parsed[kind] ?? {})) module[kind][type] = { ...module[kind][type], ...byName };
    }
  }
});

function first(block: unknown): Record<string, unknown> {
  return (Array.isArray(block) ? block[0] : block) as Record<string, unknown>;
}

describe('the Terraform module', () => {
  it('has the files a reader expects', () => {
    for (const file of ['versions.tf', 'variables.tf', 'outputs.tf', 'README.md']) assert.ok(readdirSync(DIR).includes(file), file);
  });

  it('declares every variable it references, and the README lists every input and output', () => {
    const referenced = new Set([...allText.matchAll(/\bvar\.([a-z_][a-z0-9_]*)/g)].map((m) => m[1] ?? ''));
    for (const name of referenced) assert.ok(name in module.variable, `var.${name} is used but not declared`);
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const name of [...Object.keys(module.variable), ...Object.keys(module.output)])
      assert.ok(readme.includes(`\`${name}\``), `README lists ${name}`);
  });

  it('grants no wildcard action in any Allow statement', () => {
    const documents = module.data['aws_iam_policy_document'] ?? {};
    assert.ok(Object.keys(documents).length >= 8);
    for (const [name, blocks] of Object.entries(documents)) {
      for (const statement of (first(blocks)['statement'] ?? []) as Array<{ effect?: string; actions?: string[] }>) {
        if (statement.effect === 'Deny') continue;
        for (const action of statement.actions ?? []) assert.ok(!action.includes('*'), `${name} allows ${action}`);
      }
    }
    assert.doesNotMatch(allText, /"Action"\s*[:=]\s*"\*"/, 'no inline policy grants everything');
  });

  it('opens no ingress from the internet', () => {
    assert.equal(module.resource['aws_vpc_security_group_ingress_rule'], undefined, 'no ingress rules at all');
    for (const group of Object.values(module.resource['aws_security_group'] ?? {})) assert.equal(first(group)['ingress'], undefined);
  });

  it('tags every resource with the deployment through the provider', () => {
    const aws = first(module.provider['aws']);
    const tags = first(aws['default_tags'])['tags'];
    assert.match(String(tags), /local\.tags/);
    assert.match(allText, /"twarc-cloud:deployment"\s*=\s*var\.deployment/);
  });

  it('keeps the archive private, encrypted, versioned, TLS-only, and aborts stale uploads', () => {
    const block = first(module.resource['aws_s3_bucket_public_access_block']?.['archive']);
    for (const flag of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'])
      assert.equal(block[flag], true, flag);
    assert.ok(module.resource['aws_s3_bucket_server_side_encryption_configuration']?.['archive']);
    assert.match(JSON.stringify(module.resource['aws_s3_bucket_versioning']), /"status":"Enabled"/);
    assert.match(JSON.stringify(module.resource['aws_s3_bucket_lifecycle_configuration']), /abort_incomplete_multipart_upload/);
    assert.match(JSON.stringify(module.data['aws_iam_policy_document']?.['tls_only']), /aws:SecureTransport/);
  });

  it('gives Fargate tasks 120 s to finalize, and logs with a retention', () => {
    assert.match(sources.get('ecs.tf') ?? '', /stopTimeout\s*=\s*120/);
    assert.match(sources.get('ecs.tf') ?? '', /retention_in_days\s*=\s*var\.log_retention_days/);
  });

  it('writes deployment.json with every field the reconciler requires', () => {
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', 'archive', 'deployment.schema.json'), 'utf8')) as {
      required: string[];
    };
    const content = String(first(module.resource['aws_s3_object']?.['deployment'])['content']);
    for (const field of schema.required) assert.match(content, new RegExp(`\\b${field}\\s*=`), field);
  });

  it('lets pull requests assume only the plan role, and only main or the environment the apply role', () => {
    const plan = JSON.stringify(module.data['aws_iam_policy_document']?.['github_plan_assume']);
    const apply = JSON.stringify(module.data['aws_iam_policy_document']?.['github_apply_assume']);
    assert.match(plan, /:pull_request/);
    assert.doesNotMatch(apply, /pull_request/);
    assert.match(apply, /ref:refs\/heads\/main/);
    assert.match(apply, /environment:\$\{var\.github_apply_environment\}/);
  });
});
