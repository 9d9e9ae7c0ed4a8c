import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDesiredState } from '../../reconciler/desired/load-collections.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { formatProblem } from '../../reconciler/problems.js';
import { loadSettings } from '../../reconciler/settings/settings.js';
import { tempProject } from '../helpers/temp-project.js';
import { EVERY_TARGETS_NAME_RULES } from '../../targets/targets.js';

// Each file in the corpus has exactly one defect; its first line says where it must be reported:
//   # expect: LINE:COLUMN RULE MESSAGE-FRAGMENT
const CORPUS = join(PACKAGE_ROOT, 'test', 'reconciler', 'invalid-collections');
const EXPECTATION = /^# expect: (\d+):(\d+) (\S+) (.+)$/;

const { settings } = loadSettings(tempProject());
const files = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.yaml'))
  .sort();

describe('invalid collection corpus', () => {
  it('has at least 40 files, one defect each', () => {
    assert.ok(files.length >= 40, `only ${files.length} files`);
  });

  for (const name of files) {
    const path = join(CORPUS, name);
    const firstLine = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
    const expected = EXPECTATION.exec(firstLine);
    it(`${name} reports ${expected?.[3] ?? '?'} at ${expected?.[1] ?? '?'}:${expected?.[2] ?? '?'}`, async () => {
      if (!expected) assert.fail(`${name}: first line must be "# expect: LINE:COLUMN RULE MESSAGE"`);
      const [, line, column, rule, fragment = ''] = expected;
      const { problems, collections } = await loadDesiredState(settings, EVERY_TARGETS_NAME_RULES, [path], CORPUS);
      const shown = problems.map(formatProblem).join('\n');
      assert.equal(problems.length, 1, `expected exactly one problem, got:\n${shown}`);
      assert.equal(collections.length, 0, 'an invalid file must not produce a collection');
      const [problem] = problems;
      assert.deepEqual(
        { file: problem?.file, line: problem?.line, column: problem?.column, rule: problem?.rule },
        { file: name, line: Number(line), column: Number(column), rule },
        shown,
      );
      assert.ok(problem?.message.includes(fragment), `message "${problem?.message ?? ''}" lacks "${fragment}"`);
    });
  }
});
