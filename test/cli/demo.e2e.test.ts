/*
 * `twarc-cloud demo`, as a newcomer runs it on a fresh clone: no X account, no credentials in the
 * environment, on a terminal (a pseudo-terminal from util-linux's `script`). It shows harvests
 * progressing and ends with an export and a report on disk, all of it marked as demo data; Ctrl-C
 * stops it gracefully; and it replaces only a folder that an earlier demo made.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { DEMO_MARK } from '../../simulator/x-api/objects.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { tempProject } from '../helpers/temp-project.js';
import { onTerminal, requireScript } from '../helpers/pseudo-terminal.js';

const BIN = join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js');

/**
 * A newcomer's environment: a home of their own (no twarc2 config), no X credentials, no archive,
 * and a shell's PATH, without the package's bin folder that `npm test` puts first.
 */
function newcomerEnv(home: string): NodeJS.ProcessEnv {
  const path = (process.env['PATH'] ?? '/usr/bin:/bin')
    .split(delimiter)
    .filter((dir) => !existsSync(join(dir, 'twarc-cloud')))
    .join(delimiter);
  return { PATH: path, HOME: home, TMPDIR: process.env['TMPDIR'] ?? '/tmp', LANG: 'C.UTF-8' };
}

type Post = Record<string, unknown>;

/** Every post and included account of a collection's stored tweet files. */
function storedObjects(archive: string, id: string): { posts: Array<Record<string, unknown>>; users: Array<Record<string, unknown>> } {
  const harvests = join(archive, 'collections', id, 'harvests');
  const posts: Array<Record<string, unknown>> = [];
  const users: Array<Record<string, unknown>> = [];
  const files = readdirSync(harvests, { recursive: true, encoding: 'utf8' }).filter((path) => /(^|\/)tweets-[^/]*\.jsonl\.gz$/.test(path));
  for (const file of files) {
    for (const line of gunzipSync(readFileSync(join(harvests, file)))
      .toString('utf8')
      .split('\n')) {
      if (line === '') continue;
      // A page of a search or timeline holds a list of posts; a stream's message, one.
      const page = JSON.parse(line) as { data: Post | Post[]; includes?: { users?: Post[] } };
      posts.push(...(Array.isArray(page.data) ? page.data : [page.data]));
      users.push(...(page.includes?.users ?? []));
    }
  }
  return { posts, users };
}

describe('twarc-cloud demo', { timeout: 90_000 }, () => {
  it('runs the whole loop on a terminal with no X account: progress, then an export and a report on disk, all marked demo data', () => {
    requireScript();
    const home = tempProject();
    const cwd = tempProject();
    execFileSync('git', ['init', '-q'], { cwd });
    const ran = spawnSync('script', onTerminal([process.execPath, BIN, 'demo', '--stream-seconds', '3']), {
      cwd,
      env: newcomerEnv(home),
      encoding: 'utf8',
    });
    const screen = ran.stdout + ran.stderr;
    assert.equal(ran.status, 0, screen);
    assert.match(screen, /a simulated X API on http:\/\/127\.0\.0\.1:\d+\/2\/ \(demo data, not X's\)/);
    for (const step of [
      'plan',
      'apply --yes',
      'run demo-search',
      'run demo-timeline',
      'run demo-stream',
      'list',
      'export demo-search --format csv',
      'report demo-stream',
    ])
      assert.ok(screen.includes(`$ npx twarc-cloud ${step}`), `the demo shows the command it runs: ${step}\n${screen}`);
    assert.match(screen, /Cost estimate at X's pay-per-use prices/);
    assert.match(
      screen,
      /demo-search {2}\d[\d,]* posts? · \d+ requests? · 1 rate-limit wait · rate limit: 0:0\d left/,
      'a search waiting out its window',
    );
    assert.match(screen, /demo-stream {2}connected · \d[\d,]* posts? · \d[\d,]* posts\/min/, "a stream's live rate");
    assert.match(screen, /demo-stream: harvest completed, 30 posts stored/);
    assert.doesNotMatch(screen, /"level":"info"/, 'no JSON log lines on a terminal');

    const project = join(cwd, 'twarc-cloud-demo');
    assert.match(readFileSync(join(project, 'exports', 'demo-search', 'demo-search.csv'), 'utf8'), /^id,conversation_id,/);
    assert.match(readFileSync(join(project, 'exports', 'demo-stream', 'demo-stream-report.html'), 'utf8'), /<html/i);
    for (const id of ['demo-search', 'demo-timeline', 'demo-stream']) {
      const { posts, users } = storedObjects(join(project, 'archive'), id);
      assert.ok(posts.length > 0, `${id} stored posts`);
      assert.deepEqual(
        posts.filter((post) => post['source'] !== DEMO_MARK),
        [],
        `every post of ${id} says it is demo data`,
      );
      assert.deepEqual(
        users.filter((user) => !String(user['description']).startsWith(DEMO_MARK)),
        [],
        `every account of ${id} says it is demo data`,
      );
    }
    assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8' }), '', 'the demo folder ignores itself in git');
  });

  it('stops gracefully on Ctrl-C: the stream stores what it read, and the later steps do not run', async () => {
    const cwd = tempProject();
    const child = spawn(process.execPath, [BIN, 'demo', '--stream-seconds', '600'], { cwd, env: newcomerEnv(tempProject()) });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (output.includes('"message":"stream connected"')) resolve();
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      child.on('exit', () => {
        reject(new Error(`the demo ended before its stream connected:\n${output}`));
      });
    });
    const exited = new Promise<number | null>((resolve) => {
      child.on('exit', resolve);
    });
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, output);
    assert.match(output, /Stopped\. What was harvested is stored/);
    assert.ok(!output.includes('$ npx twarc-cloud list'), output);
    const last = JSON.parse(
      readFileSync(join(cwd, 'twarc-cloud-demo', 'archive', 'collections', 'demo-stream', 'last_harvest.json'), 'utf8'),
    ) as { outcome: string };
    assert.notEqual(last.outcome, 'failed', output);
  });

  it('replaces only a folder an earlier demo made, and says so for any other', () => {
    const cwd = tempProject();
    const mine = join(cwd, 'twarc-cloud-demo');
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'years of work');
    const refused = spawnSync(process.execPath, [BIN, 'demo', '--stream-seconds', '1'], {
      cwd,
      env: newcomerEnv(tempProject()),
      encoding: 'utf8',
    });
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(
      refused.stderr,
      /twarc-cloud-demo exists and was not made by the demo; it is left as it is\n {2}hint: give the demo another folder with --dir/,
    );
    assert.equal(readFileSync(join(mine, 'thesis.tex'), 'utf8'), 'years of work');
    assert.ok(!existsSync(join(mine, 'collections')));
  });
});
