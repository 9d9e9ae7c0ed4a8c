import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PLAN_COMMENT_MARKER } from '../../reconciler/github/sticky-comment.js';
import { FakeGitHub } from '../fakes/github/github-server.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';

let github: FakeGitHub;
const dir = mkdtempSync(join(tmpdir(), 'twarc-cloud-github-'));
before(async () => {
  github = await new FakeGitHub().start();
});
after(async () => {
  await github.stop();
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { GITHUB_TOKEN: 'test-token', GITHUB_REPOSITORY: github.repository, GITHUB_API_URL: github.url, ...extra };
}

function planFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('the plan comment on a pull request', () => {
  it('is found on page 3 of the comments and updated in place, never duplicated', async () => {
    const pr = github.pullRequest(7, 250);
    const first = await runCliAsync(['github', 'comment', planFile('a.md', '### plan A'), '--pr', '7'], { env: env() });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /plan comment created/);
    for (let i = 0; i < 3; i += 1) pr.comments.push({ id: 90_000 + i, body: `later comment ${i}` });
    const second = await runCliAsync(['github', 'comment', planFile('b.md', '### plan B'), '--pr', '7'], { env: env() });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /plan comment updated/);
    const mine = pr.comments.filter((c) => c.body.startsWith(PLAN_COMMENT_MARKER));
    assert.equal(mine.length, 1);
    assert.match(mine[0]?.body ?? '', /### plan B/);
    assert.ok(
      github.requests.some((r) => r.includes('page=3')),
      'the third page was read',
    );
  });

  it("cuts a 300 KB plan under GitHub's limit, visibly, and puts all of it in the job summary", async () => {
    github.pullRequest(8, 0);
    const big = `### plan\n\n\`\`\`diff\n${Array.from({ length: 8000 }, (_, i) => `+ users.${1_000_000 + i}.screen_name = "someone_${i}"`).join('\n')}\n\`\`\`\n`;
    assert.ok(big.length > 300_000);
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '');
    const result = await runCliAsync(['github', 'comment', planFile('big.md', big), '--pr', '8'], {
      env: env({ GITHUB_STEP_SUMMARY: summary }),
    });
    assert.equal(result.status, 0, result.stderr);
    const body = github.issues.get(8)?.comments[0]?.body ?? '';
    assert.ok(body.length <= 65_536, `${body.length} characters`);
    assert.match(body, /The plan is cut here/);
    assert.equal((body.match(/^```/gm) ?? []).length % 2, 0, 'the code block is closed before the note');
    assert.ok(readFileSync(summary, 'utf8').includes('someone_7999'), 'the summary has the whole plan');
  });

  it('takes the pull request from the event, and explains a missing token', async () => {
    github.pullRequest(9, 1);
    const event = planFile('event.json', JSON.stringify({ pull_request: { number: 9 } }));
    assert.equal((await runCliAsync(['github', 'comment', planFile('c.md', 'x')], { env: env({ GITHUB_EVENT_PATH: event }) })).status, 0);
    assert.equal(github.issues.get(9)?.comments.length, 2);
    const missing = await runCliAsync(['github', 'comment', planFile('d.md', 'x'), '--pr', '9'], {
      env: { GITHUB_REPOSITORY: github.repository, GITHUB_TOKEN: '' },
    });
    assert.equal(missing.status, 1);
    assertNoCrash(missing);
    assert.match(missing.stderr, /GITHUB_TOKEN and GITHUB_REPOSITORY are needed/);
  });
});

describe('the drift issue', () => {
  it('is opened on drift, updated while it lasts, and closed once the system matches', async () => {
    const drifted = planFile('drift.md', '### plan\n~ update a');
    const opened = await runCliAsync(['github', 'drift', drifted, '--drifted'], { env: env() });
    assert.match(opened.stdout, /drift issue: opened/, opened.stderr);
    assert.match((await runCliAsync(['github', 'drift', drifted, '--drifted'], { env: env() })).stdout, /drift issue: updated/);
    const issues = [...github.issues.values()].filter((i) => i.title.startsWith('Drift'));
    assert.equal(issues.length, 1);
    assert.match(
      (await runCliAsync(['github', 'drift', planFile('clean.md', 'No changes.')], { env: env() })).stdout,
      /drift issue: closed/,
    );
    assert.equal(issues[0]?.state, 'closed');
    assert.match(
      (await runCliAsync(['github', 'drift', planFile('clean2.md', 'No changes.')], { env: env() })).stdout,
      /drift issue: none/,
    );
  });
});
