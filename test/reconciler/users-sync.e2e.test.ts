import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { writeObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import { FakeGitHub } from '../fakes/github/github-server.js';
import { runCli, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

let github: FakeGitHub;
before(async () => {
  github = await new FakeGitHub().start();
});
after(async () => {
  await github.stop();
});

const TIMELINE = `# Reviewed each term.
id: scientists
type: user_timeline
users:
  "1001":
    screen_name: old_name # check spelling
  "1002":
    screen_name: gone
delete_users_for: [not_found]
`;

type UserChanges = ArchiveObjects['user-changes']['changes'];

/** A finished harvest of `scientists`, as the archive records it: its user changes, then last_harvest.json. */
async function recordHarvest(
  store: LocalArchiveStore,
  harvest: { readonly id: string; readonly endedAt: string; readonly tweets: number },
  changes: UserChanges,
): Promise<void> {
  const harvestId = harvest.id;
  const keys = collectionKeys('scientists');
  await writeObject(store, keys.harvest(harvestId).userChanges, 'user-changes', {
    format: 'twarc-cloud/user-changes@1',
    collection: 'scientists',
    harvest_id: harvestId,
    changes,
  });
  await writeObject(store, keys.lastHarvest, 'last-harvest', {
    format: 'twarc-cloud/last-harvest@1',
    collection: 'scientists',
    harvest_id: harvestId,
    prefix: keys.harvest(harvestId).prefix,
    ended_at: harvest.endedAt,
    outcome: 'completed',
    tweets: harvest.tweets,
  });
}

describe('users sync and its pull request', () => {
  it("updates the YAML from every harvest's user changes, and proposes it as one pull request", async () => {
    const root = tempProject({
      'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
      'collections/scientists.yaml': TIMELINE,
    });
    mkdirSync(join(root, 'archive'), { recursive: true });
    const store = new LocalArchiveStore(join(root, 'archive'));
    await recordHarvest(store, { id: '20261129T060000Z', endedAt: '2026-11-29T06:10:00Z', tweets: 10 }, [
      { user_id: '1001', kind: 'renamed', screen_name: 'new_name', previous_screen_name: 'old_name', action: 'harvested' },
      { user_id: '1002', kind: 'not_found', action: 'skipped' },
    ]);
    // A later harvest that saw nothing new: what the earlier one saw is applied all the same.
    await recordHarvest(store, { id: '20261130T060000Z', endedAt: '2026-11-30T06:10:00Z', tweets: 0 }, []);
    const synced = runCli(['users', 'sync'], { cwd: root });
    assert.equal(synced.status, 0, synced.stderr);
    assert.match(synced.stdout, /renamed 1001: old_name -> new_name/);
    assert.match(synced.stdout, /removed 1002: not_found/);
    const text = readFileSync(join(root, 'collections', 'scientists.yaml'), 'utf8');
    assert.equal(
      text,
      '# Reviewed each term.\nid: scientists\ntype: user_timeline\nusers:\n  "1001":\n    screen_name: new_name # check spelling\ndelete_users_for: [not_found]\n',
    );
    assert.equal(runCli(['validate'], { cwd: root }).status, 0, 'the edited file still validates');
    assert.match(runCli(['users', 'sync'], { cwd: root }).stdout, /No user changes to apply/);

    writeFileSync(join(root, 'sync.txt'), synced.stdout);
    const env = { GITHUB_TOKEN: 'test-token', GITHUB_REPOSITORY: github.repository, GITHUB_API_URL: github.url };
    const args = [
      'github',
      'pull-request',
      'collections/scientists.yaml',
      '--branch',
      'twarc-cloud/user-changes',
      '--title',
      'Update accounts from harvests',
      '--body-file',
      'sync.txt',
    ];
    const opened = await runCliAsync(args, { cwd: root, env });
    assert.equal(opened.status, 0, opened.stderr);
    assert.match(opened.stdout, /pull request #100 opened/);
    assert.equal(github.files.get('twarc-cloud/user-changes')?.get('collections/scientists.yaml')?.content, text);
    const again = await runCliAsync(args, { cwd: root, env });
    assert.match(again.stdout, /pull request #100 updated/);
    assert.equal(github.pulls.length, 1, 'one pull request, updated in place');
    assert.match(github.pulls[0]?.body ?? '', /renamed 1001/);
  });
});
