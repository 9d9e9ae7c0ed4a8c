import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  collectionIdOfComplianceRule,
  collectionIdOfName,
  complianceRuleName,
  collectionNamePrefix,
  derivedNameProblems,
  isStreamGroupName,
  streamGroupServiceName,
  scheduleRuleName,
  serviceName,
  taskDefinitionFamily,
} from '../../targets/aws/naming/aws-names.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';

interface StringSchema {
  maxLength: number;
  pattern: string;
}
const readSchema = (name: string): { properties: Record<string, StringSchema> } =>
  JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', `${name}.schema.json`), 'utf8')) as { properties: Record<string, StringSchema> };

describe('AWS names derived from a collection id', () => {
  it('prefixes every name with the deployment and "_", which neither a deployment name nor an id holds', () => {
    assert.equal(scheduleRuleName('lab', 'climate'), 'lab_climate');
    assert.equal(serviceName('lab', 'climate'), 'lab_climate');
    assert.equal(taskDefinitionFamily('lab', 'climate'), 'lab_climate');
    // So one deployment's names never cover another's, or terraform's own.
    assert.equal(collectionIdOfName('lab', scheduleRuleName('lab-test', 'climate')), undefined);
    assert.equal(collectionIdOfName('lab', 'lab-harvester'), undefined);
    assert.equal(collectionIdOfName('lab', 'lab-task-failed'), undefined);
    assert.equal(collectionIdOfName('lab', scheduleRuleName('lab', 'task-failed')), 'task-failed');
  });

  it('holds for the longest deployment name and id the schemas allow', () => {
    // The schemas' limits are chosen so that any valid pair yields valid AWS names; this ties the facts together.
    const deployment = readSchema('twarc-cloud').properties['deployment'];
    const id = readSchema('collection').properties['id'];
    assert.ok(deployment && id);
    const longestDeployment = 'd'.repeat(deployment.maxLength);
    const longestId = 'i'.repeat(id.maxLength);
    assert.match(longestDeployment, new RegExp(deployment.pattern));
    assert.match(longestId, new RegExp(id.pattern));
    assert.deepEqual(derivedNameProblems(longestDeployment, longestId), []);
  });

  it('reports an EventBridge rule name over 64 characters', () => {
    const problems = derivedNameProblems('twarc-cloud', 'x'.repeat(60));
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /EventBridge rule name "twarc-cloud_x+" .* would be 72 characters; AWS allows 64/);
  });

  it('reports characters AWS refuses in rule and service names', () => {
    const problems = derivedNameProblems('twarc-cloud', 'climate+search');
    assert.equal(problems.length, 3);
    assert.match(problems[0] ?? '', /EventBridge rule name .* may contain only letters, digits, "\.", "-" and "_"/);
    assert.match(problems[1] ?? '', /ECS service name .* may contain only letters, digits, "-" and "_"/);
  });

  it('reports a dot, which EventBridge allows but ECS does not', () => {
    const problems = derivedNameProblems('twarc-cloud', 'v1.2');
    assert.deepEqual(
      problems.map((p) => p.split('"')[0]),
      ['the ECS service name ', 'the ECS task definition family '],
    );
  });

  it("names a collection's compliance rule inside the deployment's prefix, never as a collection's own rule", () => {
    const name = complianceRuleName('lab', 'climate');
    assert.equal(name, 'lab_compliance_climate');
    assert.ok(name.startsWith(collectionNamePrefix('lab')), 'inside the IAM pattern rule/<deployment>_*');
    assert.equal(collectionIdOfName('lab', name), undefined, 'no collection id holds "_"');
    assert.equal(collectionIdOfComplianceRule('lab', name), 'climate');
    assert.equal(collectionIdOfComplianceRule('lab', scheduleRuleName('lab', 'compliance')), undefined, "a collection named 'compliance'");
    assert.equal(collectionIdOfComplianceRule('lab-test', name), undefined, "another deployment's");
  });

  it('checks the compliance rule name only for a collection that has one: the longest pair then overflows 64', () => {
    const [deployment, id] = ['d'.repeat(24), 'i'.repeat(39)];
    assert.deepEqual(derivedNameProblems(deployment, id), []);
    const problems = derivedNameProblems(deployment, id, { compliance: true });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /EventBridge rule name "d{24}_compliance_i{39}" .* would be 75 characters; AWS allows 64/);
  });

  it("names a stream group's service inside the deployment's prefix (terraform's IAM pattern), never as a collection's", () => {
    const terraform = readFileSync(join(PACKAGE_ROOT, 'terraform', 'versions.tf'), 'utf8');
    assert.match(terraform, /collection_svcs\s*=\s*".*:service\/\$\{var\.deployment\}\/\$\{local\.collection_prefix\}\*"/);
    assert.match(terraform, /collection_prefix\s*=\s*"\$\{var\.deployment\}_"/);
    const name = streamGroupServiceName('lab', 'research.app_2');
    assert.equal(name, 'lab_stream_research-app_2');
    assert.ok(name.startsWith(collectionNamePrefix('lab')), 'inside the IAM pattern service/<cluster>/<deployment>_*');
    assert.match(name, /^[A-Za-z0-9_-]{1,255}$/, 'a valid ECS service name');
    assert.equal(collectionIdOfName('lab', name), undefined, 'no collection id holds "_"');
    assert.ok(isStreamGroupName('lab', name));
    assert.ok(!isStreamGroupName('lab', serviceName('lab', 'stream')), "a collection named 'stream' is not a group");
  });
});
