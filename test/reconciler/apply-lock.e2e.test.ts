/*
 * The apply lock never outlives its apply: SIGTERM and Ctrl-C release it, a lock left by a process
 * that died on this machine is taken over at once, and `unlock --apply` releases one by hand.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pollUntil } from '../../platform/async.js';
import { APPLY_LOCK_KEY, collectionKeys } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { writeObject } from '../../platform/archive/objects.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { assertNoCrash, runCliAsync } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const ENV = { CI: '', GITHUB_ACTOR: '' };

/** A project whose filter collection `live` is applied and has a harvest running that will not answer a stop for a long time. */
async function projectWithStuckHarvest(): Promise<{ root: string; store: LocalArchiveStore }> {
  const root = tempProject({
    'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n',
    'collections/live.yaml': 'id: live\ntype: filter\nrules:\n  - value: climate\n',
  });
  const created = await runCliAsync(['apply', '--yes'], { cwd: root, env: { ...ENV, HOME: root } });
  assert.equal(created.status, 0, created.stderr);
  const store = new LocalArchiveStore(join(root, 'archive'));
  const now = new Date().toISOString();
  // A harvest on another machine whose control API cannot be reached: stopping it waits for its lock.
  await writeObject(store, collectionKeys('live').lock, 'lock', {
    format: 'twarc-cloud/lock@1',
    collection: 'live',
    harvest_id: '20261202T060000Z',
    holder: { host: 'elsewhere.example', pid: 4242 },
    acquired_at: now,
    heartbeat_at: now,
    control: { url: 'http://127.0.0.1:9/', token: 'x'.repeat(40) },
  });
  writeFileSync(join(root, 'collections', 'live.yaml'), 'id: live\ntype: filter\nstate: suspended\nrules:\n  - value: climate\n');
  return { root, store };
}

/** Starts `apply --yes` and resolves once it holds the apply lock and waits for the harvest to stop. */
async function blockedApply(
  root: string,
  store: LocalArchiveStore,
): Promise<{ child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> }> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'bin', 'twarc-cloud.js'), 'apply', '--yes'], {
    cwd: root,
    env: { ...process.env, ...ENV, HOME: root, NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal, output });
    });
  });
  const waiting = await pollUntil(
    async () => ((await store.get(APPLY_LOCK_KEY)) && (await store.get(collectionKeys('live').stopRequest)) ? true : undefined),
    { intervalMs: 50, timeoutMs: 30_000 },
  );
  assert.equal(waiting, true, `apply did not reach the stop wait:\n${output}`);
  return { child, done };
}

describe('the apply lock', { timeout: 90_000 }, () => {
  it('is released when the apply gets SIGTERM, which stops it promptly', async () => {
    const { root, store } = await projectWithStuckHarvest();
    const apply = await blockedApply(root, store);
    const signalledAt = Date.now();
    apply.child.kill('SIGTERM');
    const ended = await apply.done;
    assert.equal(ended.signal, null, `apply died of the signal instead of stopping:\n${ended.output}`);
    assert.equal(ended.code, 1, ended.output);
    assert.ok(Date.now() - signalledAt < 10_000, 'within seconds, not after the 120 s stop wait');
    assert.match(ended.output, /apply interrupted after 0 of 1 collections/);
    assert.equal(await store.get(APPLY_LOCK_KEY), undefined, 'the lock is released');
  });

  it('left by an apply killed with SIGKILL, is taken over at once by the next apply on this machine', async () => {
    const { root, store } = await projectWithStuckHarvest();
    const apply = await blockedApply(root, store);
    apply.child.kill('SIGKILL');
    await apply.done;
    assert.ok(await store.get(APPLY_LOCK_KEY), 'SIGKILL leaves the lock behind');
    await store.delete(collectionKeys('live').lock); // the harvest finishes meanwhile
    const next = await runCliAsync(['apply', '--yes'], { cwd: root, env: { ...ENV, HOME: root } });
    assert.equal(next.status, 0, next.stdout + next.stderr);
    assert.match(next.stdout, /- live: suspend done/);
    assert.equal(await store.get(APPLY_LOCK_KEY), undefined);
  });

  it('is released by hand with unlock --apply: at once when its holder is dead, with --force when it looks alive', async () => {
    const root = tempProject({ 'twarc-cloud.yaml': 'deployment: test\nlocal:\n  archive: ./archive\n', 'collections/.keep': '' });
    const store = new LocalArchiveStore(join(root, 'archive'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const lock = (host: string, pid: number) =>
      writeObject(store, APPLY_LOCK_KEY, 'apply-lock', {
        format: 'twarc-cloud/apply-lock@1',
        holder: `someone pid ${pid} on ${host}`,
        host,
        pid,
        acquired_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 600_000).toISOString(),
      });
    await lock(hostname(), Number(dead.stdout));
    const released = await runCliAsync(['unlock', '--apply'], { cwd: root, env: { HOME: root } });
    assert.equal(released.status, 0, released.stderr);
    assert.match(released.stdout, /Released the apply lock held by someone/);
    await lock('elsewhere.example', 1234);
    const refused = await runCliAsync(['unlock', '--apply'], { cwd: root, env: { HOME: root } });
    assert.equal(refused.status, 1);
    assertNoCrash(refused);
    assert.match(refused.stderr, /the apply lock is held by someone pid 1234 on elsewhere\.example .* it looks alive/);
    assert.ok(await store.get(APPLY_LOCK_KEY));
    const forced = await runCliAsync(['unlock', '--apply', '--force'], { cwd: root, env: { HOME: root } });
    assert.equal(forced.status, 0, forced.stderr);
    assert.equal(await store.get(APPLY_LOCK_KEY), undefined);
  });
});
