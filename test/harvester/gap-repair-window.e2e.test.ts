/*
 * A stretch a stream lost longer ago than recent search reaches (a group stopped for nine days):
 * the part within its 7 days is searched, and the repair says what was left; a stretch wholly
 * older is not searched at all, since X refuses such a search.
 */

import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { HarvestContext } from '../../harvester/harvest-context.js';
import { openHarvest } from '../../harvester/open-harvest.js';
import { repairGap, StoredIds, type GapRecord } from '../../harvester/stream-group/gap-repair.js';
import { harvestId } from '../../platform/archive/keys.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { firstIdAt, tweetTime } from '../../platform/x-api/snowflake.js';
import { FakeXApi } from '../../simulator/x-api/server.js';
import { putCollection, SECRET_BEARER } from '../helpers/archive-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let fake: FakeXApi;
let dir: string;
let store: LocalArchiveStore;

before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER], corpus: { users: 2, tweetsPerUser: () => 3 } }).start();
  dir = await mkdtemp(join(tmpdir(), 'gap-window-'));
  store = new LocalArchiveStore(join(dir, 'archive'));
});
after(async () => {
  await fake.stop();
});

async function harvestOf(id: string): Promise<HarvestContext> {
  const config = await putCollection(store, { id, type: 'filter', rules: [{ value: 'climate' }], repair_gaps: true });
  return openHarvest({
    store,
    config,
    credentials: { profile: 'default', bearerToken: SECRET_BEARER },
    harvestId: harvestId(new Date()),
    env: { TWARC_CLOUD_SPOOL: join(dir, 'spool') },
    writeLog: () => undefined,
    apiBaseUrl: fake.baseUrl,
    lease: { lost: false },
  });
}

/** A stretch from `fromAgo` to `toAgo` before now, bounded by the ids of posts at its ends, as a stream group bounds it. */
function stretch(fromAgo: number, toAgo: number): { gap: GapRecord; bounds: { afterId: string; beforeId: string } } {
  const now = Date.now();
  return {
    gap: { start: new Date(now - fromAgo).toISOString(), end: new Date(now - toAgo).toISOString(), cause: 'the group was stopped' },
    bounds: { afterId: String(firstIdAt(now - fromAgo)), beforeId: String(firstIdAt(now - toAgo)) },
  };
}

const searches = (since: number) => fake.requests.slice(since).filter((r) => r.endpoint === 'tweets/search/recent');

describe('repairing a stretch at the edge of what recent search reaches', { timeout: 60_000 }, () => {
  it('searches a stretch that began nine days ago from where recent search reaches, and says what it left', async () => {
    const harvest = await harvestOf('nine-days');
    const { gap, bounds } = stretch(9 * DAY, HOUR);
    const since = fake.requests.length;
    await repairGap(harvest, gap, bounds, new StoredIds());
    await harvest.files.close();
    assert.equal(gap.repair?.outcome, 'partial', JSON.stringify(gap.repair));
    assert.match(gap.repair.reason ?? '', /^its part before \d{4}-\d\d-\d\dT[\d:.]+Z is older than the 7 days recent search reaches$/);
    const asked = searches(since);
    assert.equal(asked.length, 1, 'one search, which X accepted');
    const params = new URL(asked[0]?.url ?? '', 'http://x').searchParams;
    const from = tweetTime(params.get('since_id') ?? '') ?? 0;
    assert.ok(from > Date.now() - 7 * DAY && from < Date.now() - 7 * DAY + HOUR, `searched from ${new Date(from).toISOString()}`);
    const to = tweetTime(params.get('until_id') ?? '') ?? 0;
    assert.ok(
      to > Date.now() - HOUR && to < Date.now() - HOUR + 60_000,
      `searched up to ${new Date(to).toISOString()}, just past the stretch`,
    );
  });

  it('does not search a stretch that ended before recent search reaches', async () => {
    const harvest = await harvestOf('ten-days');
    const { gap, bounds } = stretch(10 * DAY, 8 * DAY);
    const since = fake.requests.length;
    await repairGap(harvest, gap, bounds, new StoredIds());
    await harvest.files.close();
    assert.deepEqual(gap.repair, { outcome: 'not_repaired', reason: 'older than the 7 days recent search reaches' });
    assert.equal(searches(since).length, 0);
  });
});
