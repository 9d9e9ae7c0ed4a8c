import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { APPLY_LOCK_KEY, COLLECTIONS_INDEX_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { readObject, writeObject } from '../../platform/archive/objects.js';
import { listAll } from '../../platform/archive/store.js';
import { assertNoCrash, runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const SETTINGS = 'deployment: test\ntarget: local\nlocal:\n  archive: ./archive\nguard:\n  max_stops: 2\n';

function search(id: string, extra = ''): string {
  return `id: ${id}\ntype: search\nquery: climate\nschedule: rate(1 hour)\n${extra}`;
}

function project(files: Record<string, string>): {
  root: string;
  store: LocalArchiveStore;
  cli: (...args: string[]) => ReturnType<typeof runCli>;
  write: (path: string, text: string) => void;
  commit: () => void;
} {
  const root = tempProject({
    'twarc-cloud.yaml': SETTINGS,
    ...Object.fromEntries(Object.entries(files).map(([name, text]) => [`collections/${name}`, text])),
  });
  const git = (...args: string[]): void => {
    execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
  };
  git('init', '-q');
  const commit = (): void => {
    git('add', '-A');
    git('-c', 'user.name=Ada Researcher', '-c', 'user.email=ada@example.org', 'commit', '-qm', 'collections', '--allow-empty');
  };
  commit();
  return {
    root,
    store: new LocalArchiveStore(join(root, 'archive')),
    cli: (...args) => runCli(args, { cwd: root, env: { CI: '', GITHUB_ACTOR: '' } }),
    write: (path, text) => {
      writeFileSync(join(root, 'collections', path), text);
    },
    commit,
  };
}

describe('plan and apply on the local target', () => {
  it('creates, then finds nothing to do: apply is idempotent', async () => {
    const p = project({ 'a.yaml': search('a'), 'b.yaml': search('b', 'state: suspended\n') });
    const planned = p.cli('plan');
    assert.equal(planned.status, 2, planned.stderr);
    assert.match(planned.stdout, /\+ create a \(search\)/);
    assert.match(planned.stdout, /Plan: 2 to create, 0 to update/);
    const applied = p.cli('apply', '--yes');
    assert.equal(applied.status, 0, applied.stderr);
    const config = await readObject(p.store, collectionKeys('a').config, 'collection-config');
    assert.equal(config?.value.query, 'climate');
    assert.equal(config.value.state, 'active');
    assert.equal((await readObject(p.store, collectionKeys('b').config, 'collection-config'))?.value.state, 'suspended');
    const again = p.cli('plan');
    assert.equal(again.status, 0, again.stdout);
    assert.match(again.stdout, /No changes/);
    assert.equal(await p.store.get(APPLY_LOCK_KEY), undefined, 'the apply lock is released');
  });

  it('records every change in a changeset with field paths, old and new values, the git commit and author', async () => {
    const p = project({ 'a.yaml': search('a') });
    assert.equal(p.cli('apply', '--yes').status, 0);
    p.write('a.yaml', search('a', 'max_records: 500\n').replace('rate(1 hour)', 'rate(2 hours)'));
    p.commit();
    const planned = p.cli('plan');
    assert.equal(planned.status, 2);
    assert.match(planned.stdout, /~ schedule: "rate\(1 hour\)" -> "rate\(2 hours\)"/);
    assert.match(planned.stdout, /\+ max_records = 500/);
    assert.equal(p.cli('apply', '--yes').status, 0);
    const changesets = [];
    for await (const object of listAll(p.store, collectionKeys('a').changesetsPrefix))
      changesets.push((await readObject(p.store, object.key, 'changeset'))?.value);
    assert.equal(changesets.length, 2);
    const update = changesets.find((c) => c?.action === 'update');
    assert.deepEqual(update?.changes, [
      { path: 'max_records', new: 500 },
      { path: 'schedule', old: 'rate(1 hour)', new: 'rate(2 hours)' },
    ]);
    assert.equal(update.git?.author, 'Ada Researcher <ada@example.org>');
    assert.match(update.git.commit ?? '', /^[0-9a-f]{40}$/);
    assert.match(update.actor, /@/);
  });

  it('suspends, resumes and removes without deleting anything harvested', async () => {
    const p = project({ 'a.yaml': search('a'), 'b.yaml': search('b') });
    assert.equal(p.cli('apply', '--yes').status, 0);
    const harvested = `${collectionKeys('b').harvest('20261129T120000Z').prefix}tweets-20261129T120000Z-0001.jsonl.gz`;
    await p.store.put(harvested, Buffer.from('data'));
    p.write('a.yaml', search('a', 'state: suspended\n'));
    rmSync(join(p.root, 'collections', 'b.yaml'));
    const planned = p.cli('plan');
    assert.match(planned.stdout, /- suspend a/);
    assert.match(planned.stdout, /- remove b \(search\): harvested data is kept/);
    assert.equal(p.cli('apply', '--yes').status, 0);
    assert.equal((await readObject(p.store, collectionKeys('a').config, 'collection-config'))?.value.state, 'suspended');
    const removed = await readObject(p.store, collectionKeys('b').config, 'collection-config');
    assert.equal(removed?.value.state, 'removed');
    assert.ok(removed.value.removed_at);
    assert.equal((await p.store.get(harvested))?.body.toString(), 'data', 'harvested data is untouched');
    p.write('a.yaml', search('a'));
    assert.match(p.cli('plan').stdout, /~ resume a/);
    assert.equal(p.cli('apply', '--yes').status, 0);
    assert.equal(p.cli('plan').status, 0);
  });

  it('refuses a plan that stops more collections than guard.max_stops, unless --allow-mass-stop', async () => {
    const p = project({ 'a.yaml': search('a'), 'b.yaml': search('b'), 'c.yaml': search('c') });
    assert.equal(p.cli('apply', '--yes').status, 0);
    for (const name of ['a.yaml', 'b.yaml', 'c.yaml']) rmSync(join(p.root, 'collections', name));
    const planned = p.cli('plan');
    assert.equal(planned.status, 1);
    assert.match(planned.stdout, /Refused: this plan stops 3 collections and the guard allows 2/);
    const applied = p.cli('apply', '--yes');
    assert.equal(applied.status, 1);
    assertNoCrash(applied);
    assert.equal(
      (await readObject(p.store, collectionKeys('a').config, 'collection-config'))?.value.state,
      'active',
      'nothing was applied',
    );
    assert.equal(p.cli('apply', '--yes', '--allow-mass-stop').status, 0);
    assert.equal((await readObject(p.store, collectionKeys('a').config, 'collection-config'))?.value.state, 'removed');
  });

  it('applies a saved plan only while collections and the live system are as they were', () => {
    const p = project({ 'a.yaml': search('a') });
    assert.equal(p.cli('plan', '--out', 'plan.json').status, 2);
    p.write('a.yaml', search('a', 'max_records: 5\n'));
    const stale = p.cli('apply', 'plan.json', '--yes');
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /the saved plan is stale: collections\/ changed since it was made/);
    assert.equal(p.cli('plan', '--out', 'plan.json', '--force').status, 2);
    const fresh = p.cli('apply', 'plan.json', '--yes');
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.equal(p.cli('plan', '--out', 'plan2.json').status, 0);
    p.write('a.yaml', search('a', 'max_records: 6\n'));
    assert.equal(p.cli('apply', '--yes').status, 0);
    p.write('a.yaml', search('a', 'max_records: 5\n'));
    const moved = p.cli('apply', 'plan2.json', '--yes');
    assert.match(moved.stderr, /stale: collections\/ changed|stale: the live system changed/);
  });

  it('plans and applies nothing while a collection file is invalid, and shows each problem as validate does', async () => {
    const p = project({ 'a.yaml': search('a'), 'bad.yaml': 'id: bad\ntype: search\n' });
    const validated = p.cli('validate');
    const problems = validated.stdout.split('\n').filter((line) => line.includes('bad.yaml'));
    assert.ok(problems.length > 0, validated.stdout);
    for (const command of [['plan'], ['apply', '--yes']]) {
      const result = p.cli(...command);
      assert.equal(result.status, 1);
      assertNoCrash(result);
      for (const problem of problems)
        assert.ok(result.stderr.includes(problem), `${command.join(' ')} shows: ${problem}\n${result.stderr}`);
      assert.match(result.stderr, /validation error.*nothing is planned/);
    }
    assert.equal(await p.store.get(COLLECTIONS_INDEX_KEY), undefined);
  });

  it('waits for another apply: one apply per deployment at a time', async () => {
    const p = project({ 'a.yaml': search('a') });
    const now = Date.now();
    await writeObject(p.store, APPLY_LOCK_KEY, 'apply-lock', {
      format: 'twarc-cloud/apply-lock@1',
      holder: 'ci-run 42',
      acquired_at: new Date(now).toISOString(),
      expires_at: new Date(now + 600_000).toISOString(),
    });
    const blocked = p.cli('apply', '--yes');
    assert.equal(blocked.status, 1);
    assertNoCrash(blocked);
    assert.match(blocked.stderr, /another apply is running \(ci-run 42/);
    await writeObject(
      p.store,
      APPLY_LOCK_KEY,
      'apply-lock',
      {
        format: 'twarc-cloud/apply-lock@1',
        holder: 'crashed',
        acquired_at: new Date(now - 7_200_000).toISOString(),
        expires_at: new Date(now - 3_600_000).toISOString(),
      },
      {},
    );
    assert.equal(p.cli('apply', '--yes').status, 0, 'an expired lock is taken over');
  });

  it('asks before applying, and refuses without a terminal to ask on', () => {
    const p = project({ 'a.yaml': search('a') });
    const result = p.cli('apply');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /needs confirmation.*\n.*--yes/);
  });

  it('prints a pull-request comment in markdown and a plan as JSON', () => {
    const p = project({ 'a.yaml': search('a') });
    const markdown = p.cli('plan', '--format', 'markdown');
    assert.match(markdown.stdout, /^### twarc-cloud plan for target local/);
    assert.match(markdown.stdout, /<details><summary><code>\+ create a \(search\)<\/code><\/summary>/);
    const json = JSON.parse(p.cli('plan', '--format', 'json').stdout) as { actions: Array<{ kind: string; id: string }> };
    assert.deepEqual(
      json.actions.map((a) => [a.kind, a.id]),
      [['create', 'a']],
    );
  });
});
