/*
 * `up` on a terminal, as a person watches it: a line of progress per running harvest (a search's
 * posts and requests, a stream's connection and posts per minute), each harvest's end said once,
 * up's own lines kept above, and no JSON log lines; Ctrl-C still stops every harvest gracefully.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { SECRET_BEARER } from '../helpers/archive-fixtures.js';
import { onTerminal, requireScript } from '../helpers/pseudo-terminal.js';
import { tempProject } from '../helpers/temp-project.js';
import { until } from '../helpers/until.js';

describe('twarc-cloud up on a terminal', { timeout: 120_000 }, () => {
  it('shows progress per harvest and the end of each, never JSON log lines, and stops on Ctrl-C', async () => {
    requireScript();
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 5, tweetsPerUser: () => 0, searchTweets: 250 },
      stream: { tweets: 1_000_000, perSecond: 50, keepAliveMs: 100 },
      // Three pages at two a window: the search waits once, long enough to be drawn.
      rateLimits: { 'tweets/search/recent': { limit: 2, windowMs: 3_000 } },
    }).start();
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/floods.yaml': 'id: floods\ntype: search\nquery: floods\nschedule: rate(1 day)\n',
      'collections/live.yaml': 'id: live\ntype: filter\nrules:\n  - value: climate\n',
    });
    execFileSync('git', ['-C', root, 'init', '-q']);
    const pidFile = join(root, 'up.pid');
    const terminal = spawn('script', onTerminal([process.execPath, join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'up'], { pidFile }), {
      cwd: root,
      env: {
        PATH: process.env['PATH'],
        HOME: root,
        LANG: 'C.UTF-8',
        TWARC_CLOUD_DEFAULT_BEARER_TOKEN: SECRET_BEARER,
        TWARC_CLOUD_API_BASE_URL: fake.baseUrl,
        TWARC_CLOUD_UP_SYNC_MS: '300',
        TWARC_CLOUD_STOP_POLL_MS: '200',
      },
    });
    let screen = '';
    terminal.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
    terminal.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => terminal.on('close', resolve));
    try {
      await until(
        () => `the search's end and the stream's progress on the screen:\n${screen.slice(-3000)}`,
        () =>
          Promise.resolve(
            /floods: harvest completed, 250 posts stored/.test(screen) &&
              /live {2}connected · \d[\d,]* posts? · \d[\d,]* posts\/min/.test(screen),
          ),
      );
    } finally {
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
      if (pid !== undefined) process.kill(pid, 'SIGINT');
      else terminal.kill('SIGKILL');
    }
    assert.equal(await exited, 0, screen.slice(-3000));
    await fake.stop();
    assert.match(screen, /\d\d:\d\d:\d\d up: archive /, "up's own lines stay, timestamped");
    assert.match(
      screen,
      /floods {2}\d[\d,]* posts? · 2 requests · 1 rate-limit wait · rate limit: 0:0\d left/,
      'a search waiting out its window',
    );
    assert.match(screen, /live: harvest stopped, \d[\d,]* posts stored/, 'Ctrl-C stops the stream gracefully, and says so');
    assert.match(screen, /up: stopped/);
    assert.doesNotMatch(screen, /"level":"(info|warn)"/, 'no JSON log lines on a terminal');
  });
});
