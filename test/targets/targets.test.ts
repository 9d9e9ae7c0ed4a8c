import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SCHEMAS_DIR } from '../../platform/paths.js';
import { EVERY_TARGETS_NAME_RULES, TARGET_NAMES, targetNamed } from '../../targets/targets.js';
import { runInProcess } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

describe('the one list of targets', () => {
  it("is the settings schema's choice of target", () => {
    const schema = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'twarc-cloud.schema.json'), 'utf8')) as {
      properties: { target: { enum: string[] } };
    };
    assert.deepEqual(schema.properties.target.enum, [...TARGET_NAMES]);
  });

  it('names every target in the help of each command that takes --target', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: lab\n' });
    for (const command of ['plan', 'apply', 'run', 'list', 'status', 'stop', 'export']) {
      const help = await runInProcess([command, '--help'], { cwd: root });
      assert.ok(help.stdout.includes(`[--target ${TARGET_NAMES.join('|')}]`), `${command}: ${help.stdout}`);
      assert.ok(help.stdout.includes(`--target <${TARGET_NAMES.join('|')}>`), `${command}: ${help.stdout}`);
    }
  });

  it('refuses a target it does not know, with the list', () => {
    assert.throws(() => targetNamed('gcp'), /unknown target "gcp"/);
  });

  it("applies every target's naming rules: an id too long for AWS is refused whatever the target", () => {
    const deployment = 'd'.repeat(24);
    const problems = EVERY_TARGETS_NAME_RULES(deployment, { id: 'x'.repeat(30), compliance: true });
    assert.ok(problems.length > 0);
    assert.ok(problems.every((problem) => problem.rule === 'id/aws-name'));
    assert.match(problems[0]?.message ?? '', /AWS allows 64/);
    assert.deepEqual(EVERY_TARGETS_NAME_RULES('lab', { id: 'short', compliance: true }), []);
  });

  it('refuses the same id in validate for a local project as for an AWS one', async () => {
    const deployment = `deployment: ${'d'.repeat(24)}\n`;
    for (const settings of [deployment, `${deployment}target: aws\naws:\n  bucket: lab-archive\n  region: us-east-1\n`]) {
      const id = 'y'.repeat(30);
      const root = tempProject({
        'twarc-cloud.yaml': settings,
        [`collections/${id}.yaml`]: `id: ${id}\ntype: search\nquery: x\nschedule: rate(1 day)\ncompliance:\n  schedule: rate(7 days)\n`,
      });
      const result = await runInProcess(['validate'], { cwd: root });
      assert.equal(result.status, 1, result.stdout);
      assert.match(result.stdout, /EventBridge rule name .* AWS allows 64/);
    }
  });
});
