/*
 * The image cannot be built here (no Docker engine), so its contents are tested: the bundle runs
 * with plain node from a directory laid out as the Dockerfile lays out /app, and the Dockerfile
 * says what the deployment relies on.
 */

import { HARVESTER_NODE_FLAGS } from '../../platform/harvester-launch.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { bundle } from '../../scripts/bundle.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { localArchive, putCollection, SECRET_BEARER, storedTweets } from '../helpers/archive-fixtures.js';

const app = mkdtempSync(join(tmpdir(), 'twarc-cloud-image-'));
const entry = join(app, 'dist', 'bundle', 'twarc-cloud.mjs');
let inputs: string[] = [];

before(async () => {
  mkdirSync(join(app, 'dist', 'bundle'), { recursive: true });
  inputs = await bundle(entry);
  cpSync(join(PACKAGE_ROOT, 'package.json'), join(app, 'package.json'));
  cpSync(join(PACKAGE_ROOT, 'schemas'), join(app, 'schemas'), { recursive: true });
});

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // Only what the image has: node, /app, and no node_modules anywhere above it.
    const child = spawn(process.execPath, [entry, ...args], { cwd: app, env: { PATH: process.env['PATH'], ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => {
      resolve({ code, output });
    });
  });
}

describe("the harvester image's contents", { timeout: 60_000 }, () => {
  it('the bundle runs with plain node, without node_modules', async () => {
    assert.ok(!existsSync(join(app, 'node_modules')));
    const help = await run(['harvest', '--help']);
    assert.equal(help.code, 0, help.output);
    assert.match(help.output, /Run one harvest of one collection/);
    const group = await run(['harvest-group', '--help']);
    assert.equal(group.code, 0, group.output);
    assert.match(group.output, /every active filter collection whose credentials are this profile/);
    const compliance = await run(['compliance', '--help']);
    assert.equal(compliance.code, 0, compliance.output);
    assert.match(compliance.output, /--archive <location> +the archive \[default: TWARC_CLOUD_ARCHIVE\]/);
    assert.doesNotMatch(compliance.output, /--target/, 'the image has no targets: its archive is given');
  });

  // client-ecs is in: a stream that has stored its max_records scales its own ECS service to zero.
  it("the bundle holds the harvester, curation's compliance and platform/, and nothing of the reconciler, EventBridge or the GitHub code", () => {
    const ours = inputs.filter((path) => path.startsWith('dist/')).map((path) => path.split('/')[1]);
    assert.deepEqual([...new Set(ours)].sort(), ['cli', 'curation', 'harvester', 'platform']);
    assert.deepEqual(
      inputs.filter(
        (path) => path.startsWith('dist/curation/') && !/^dist\/curation\/(compliance\/run-compliance|collection)\.js$/.test(path),
      ),
      [],
      'of curation, only what a compliance run needs (no export, report or DuckDB)',
    );
    assert.deepEqual(
      inputs.filter((path) => /^dist\/cli\/commands\//.test(path)).sort(),
      [
        'dist/cli/commands/archive-option.js',
        'dist/cli/commands/compliance.js',
        'dist/cli/commands/harvest-group.js',
        'dist/cli/commands/harvest.js',
        'dist/cli/commands/harvester-options.js',
        'dist/cli/commands/x-api-options.js',
      ],
      'of the commands, only harvest, harvest-group and compliance (and the options they share)',
    );
    for (const excluded of ['@aws-sdk/client-eventbridge', '@actions/core', 'yaml/']) {
      assert.deepEqual(
        inputs.filter((path) => path.includes(`node_modules/${excluded}`)),
        [],
        excluded,
      );
    }
  });

  it('the bundle harvests, and runs the compliance check a compliance schedule starts', async () => {
    const fake = await new FakeXApi({
      bearerTokens: [SECRET_BEARER],
      corpus: { users: 3, tweetsPerUser: () => 0, searchTweets: 120 },
      compliance: { processingMs: 50 },
    }).start();
    try {
      const archive = await localArchive();
      await putCollection(archive.store, { id: 'in-image', type: 'search', query: 'climate', archive: false });
      const result = await run(['harvest', 'in-image', '--archive', archive.location, '--api-base-url', fake.baseUrl], archive.env);
      assert.equal(result.code, 0, result.output);
      const stored = await storedTweets(archive.store, 'in-image');
      assert.equal(stored.length, 120);
      fake.compliance.mark('tweets', String(stored[0]?.['id']), 'deleted');
      const checked = await run(['compliance', 'in-image', '--skip-if-empty', '--archive', archive.location], {
        ...archive.env,
        TWARC_CLOUD_API_BASE_URL: fake.baseUrl,
        TWARC_CLOUD_COMPLIANCE_POLL_MS: '50',
      });
      assert.equal(checked.code, 0, checked.output);
      assert.match(checked.output, /tweets: 120 checked \(job \S+\), 1 with events: deleted 1/);
    } finally {
      await fake.stop();
    }
  });

  it('the Dockerfile runs it as a non-root user, stops it with SIGTERM, and copies paths that exist', () => {
    const dockerfile = readFileSync(join(PACKAGE_ROOT, 'Dockerfile'), 'utf8');
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const user = /^USER\s+(\S+)/m.exec(finalStage)?.[1];
    assert.ok(user !== undefined && user !== 'root' && user !== '0', `USER ${String(user)}`);
    assert.match(finalStage, /^STOPSIGNAL SIGTERM$/m);
    assert.match(finalStage, /^ENTRYPOINT \["node", (?:"[^"]*", )*"\/app\/dist\/bundle\/twarc-cloud\.mjs"\]$/m);
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(finalStage)?.[1] ?? '[]') as string[];
    assert.deepEqual(entrypoint.slice(1, -1), HARVESTER_NODE_FLAGS, 'the image starts harvests with the flags run and up use');
    assert.doesNotMatch(finalStage, /^EXPOSE 80$/m);
    for (const match of finalStage.matchAll(/^COPY --from=build \/src\/(\S+) (\S+)$/gm)) {
      const source = match[1] ?? '';
      assert.ok(
        source === 'dist/bundle/twarc-cloud.mjs' ? true : existsSync(join(PACKAGE_ROOT, source)),
        `${source} exists in the build stage`,
      );
      assert.ok(existsSync(join(app, (match[2] ?? '').replace(/^\/app\//, ''))), `${match[2] ?? ''} is laid out like the image`);
    }
    assert.match(
      readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'),
      /"bundle": "npm run build && node dist\/scripts\/bundle\.js"/,
      "the build stage's npm run bundle exists",
    );
  });
});
