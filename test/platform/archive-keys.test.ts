import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  changesetName,
  collectionIdOfKey,
  collectionKeys,
  harvestId,
  harvestIdOfKey,
  tweetsFileName,
} from '../../platform/archive/keys.js';
import { assertValidKey } from '../../platform/archive/store.js';

describe('archive key layout', () => {
  it("places a collection's objects as Twarc-Cloud did", () => {
    const keys = collectionKeys('climate-scientists');
    assert.deepEqual(
      [keys.config, keys.state, keys.lock, keys.lastHarvest, keys.stopRequest, keys.changesetsPrefix, keys.harvestsPrefix],
      [
        'collections/climate-scientists/collection.json',
        'collections/climate-scientists/state.json',
        'collections/climate-scientists/lock.json',
        'collections/climate-scientists/last_harvest.json',
        'collections/climate-scientists/stop_request.json',
        'collections/climate-scientists/changesets/',
        'collections/climate-scientists/harvests/',
      ],
    );
  });

  it('files each harvest under its start time, YYYY/MM/DD/HH/MM/SS', () => {
    const started = new Date('2026-11-29T13:05:01.789Z');
    const id = harvestId(started);
    assert.equal(id, '20261129T130501Z');
    const harvest = collectionKeys('climate').harvest(id);
    assert.equal(harvest.prefix, 'collections/climate/harvests/2026/11/29/13/05/01/');
    assert.deepEqual(
      [harvest.users, harvest.userChanges, harvest.manifest, harvest.config, harvest.summary].map((k) => k.slice(harvest.prefix.length)),
      ['users.jsonl', 'user_changes.json', 'manifest-sha1.txt', 'collection.json', 'harvest.json'],
    );
    assert.equal(harvestIdOfKey(harvest.summary), id);
    assert.equal(harvestIdOfKey('collections/climate/state.json'), undefined);
  });

  it('names tweets files uniquely even when two open in the same second', () => {
    const at = new Date('2026-11-29T13:05:01.000Z');
    assert.equal(tweetsFileName(at, 1), 'tweets-20261129T130501Z-0001.jsonl.gz');
    assert.notEqual(tweetsFileName(at, 1), tweetsFileName(at, 2));
    assert.throws(() => tweetsFileName(at, 0), /invalid tweets file sequence/);
  });

  it('names changesets so that they sort by time', () => {
    const early = changesetName(new Date('2026-11-29T09:00:00.000Z'), 'abc1234def');
    const late = changesetName(new Date('2026-11-29T10:00:00.000Z'), '0000000');
    assert.equal(early, '20261129T090000.000Z-abc1234def');
    assert.ok(early < late);
    assert.equal(collectionKeys('c').changeset(early), `collections/c/changesets/${early}.json`);
  });

  it('refuses ids the collection schema refuses, so no key can escape its folder', () => {
    for (const id of ['../etc', 'Climate', 'a/b', '', '-x']) assert.throws(() => collectionKeys(id), /invalid collection id/, id);
    assert.throws(() => collectionKeys('c').harvest('2026-11-29'), /invalid harvest id/);
    assert.throws(() => collectionKeys('c').changeset('../x'), /invalid changeset name/);
  });

  it('reads the collection id back from a key', () => {
    assert.equal(collectionIdOfKey('collections/climate/harvests/2026/x'), 'climate');
    assert.equal(collectionIdOfKey('deployment.json'), undefined);
  });

  it('builds only keys the stores accept', () => {
    const harvest = collectionKeys('c').harvest('20261129T130501Z');
    for (const key of [harvest.summary, harvest.tweets(new Date(), 3), collectionKeys('c').config])
      assert.doesNotThrow(() => {
        assertValidKey(key);
      });
  });
});
