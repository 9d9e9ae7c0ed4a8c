/*
 * The GitHub report format, as a workflow step sees it: @actions/core writes the annotations to the
 * process's own standard output and the job summary to the file GITHUB_STEP_SUMMARY names in the
 * process's environment, so these run the CLI as a process.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertNoCrash, runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

describe('validate --format github', () => {
  it('annotates at most 10 errors for GitHub and lists all in the step summary', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`collections/c${i}.yaml`] = `id: c${i}\ntype: search\nquery: x\nschedule: every day\n`;
    const root = tempProject(files);
    const summary = join(root, 'summary.md');
    writeFileSync(summary, ''); // the runner creates it before the step starts
    const result = runCli(['validate', '--format', 'github'], { cwd: root, env: { GITHUB_STEP_SUMMARY: summary } });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, '');
    const annotations = result.stdout.split('\n').filter((line) => line.startsWith('::error '));
    assert.equal(annotations.length, 10);
    assert.match(
      annotations[0] ?? '',
      /^::error title=schema\/pattern,file=collections\/c0\.yaml,line=4,col=11::"every day": must be rate\(\.\.\.\) or cron/,
    );
    assert.match(result.stdout, /2 more errors are not annotated/);
    const table = readFileSync(summary, 'utf8');
    for (let i = 0; i < 12; i++) assert.ok(table.includes(`collections/c${i}.yaml`), `c${i} missing from the summary`);
  });

  it('warns, and still reports, when the step summary cannot be written', () => {
    const root = tempProject({ 'collections/a.yaml': 'id: a\ntype: search\n' });
    const result = runCli(['validate', '--format', 'github'], {
      cwd: root,
      env: { GITHUB_STEP_SUMMARY: join(root, 'missing', 'summary.md') },
    });
    assert.equal(result.status, 1);
    assertNoCrash(result);
    assert.match(result.stdout, /^::error title=schema\/required,file=collections\/a\.yaml,line=1,col=1::missing required field `query`$/m);
    assert.match(result.stderr, /^twarc-cloud: warning: could not write the job summary/);
  });
});
