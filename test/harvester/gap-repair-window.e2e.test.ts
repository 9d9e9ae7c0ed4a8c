/*
 * A stretch a stream lost longer ago than recent search reaches (a group stopped for nine days) is
 * searched in the full archive, which pay-per-use includes; where X will not search it, the part
 * recent search still reaches is, and the repair says what was left.
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

/** A second app: full-archive search takes one request a second from each, and the refused repairs run side by side. */
const OTHER_APP = `${SECRET_BEARER}-other`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let fake: FakeXApi;
let dir: string;
let store: LocalArchiveStore;

before(async () => {
  fake = await new FakeXApi({ bearerTokens: [SECRET_BEARER, OTHER_APP], corpus: { users: 2, tweetsPerUser: () => 3 } }).start();
  dir = await mkdtemp(join(tmpdir(), 'gap-window-'));
  store = new LocalArchiveStore(join(dir, 'archive'));
});
after(async () => {
  await fake.stop();
});

async function harvestOf(id: string, bearerToken = SECRET_BEARER): Promise<HarvestContext> {
  const config = await putCollection(store, { id, type: 'filter', rules: [{ value: 'climate' }], repair_gaps: true });
  return openHarvest({
    store,
    config,
    credentials: { profile: 'default', bearerToken },
    harvestId: harvestId(new Date()),
    env: { TWARC_CLOUD_SPOOL: join(dir, 'spool') },
    writeLog: () => undefined,
    tuning: { backoffScale: 0.001 },
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

/** The searches X answered (a 429 of full-archive search's one request a second is retried, and not counted). */
const searches = (since: number, endpoint: string) => fake.requests.slice(since).filter((r) => r.endpoint === endpoint && r.status === 200);
const paramsOf = (request: { url: string } | undefined): URLSearchParams => new URL(request?.url ?? '', 'http://x').searchParams;
const timeOf = (id: string | null): number => tweetTime(id ?? '') ?? 0;

describe('repairing a stretch older than recent search reaches', { timeout: 60_000 }, () => {
  it('searches the full archive for a stretch that began nine days ago, bounded by its ids', async () => {
    const harvest = await harvestOf('nine-days');
    const { gap, bounds } = stretch(9 * DAY, HOUR);
    const since = fake.requests.length;
    await repairGap(harvest, gap, bounds, new StoredIds());
    await harvest.files.close();
    assert.equal(gap.repair?.outcome, 'repaired', JSON.stringify(gap.repair));
    assert.equal(searches(since, 'tweets/search/recent').length, 0);
    const asked = searches(since, 'tweets/search/all');
    assert.equal(asked.length, 1, 'one full-archive search, which X accepted');
    const from = timeOf(paramsOf(asked[0]).get('since_id'));
    const to = timeOf(paramsOf(asked[0]).get('until_id'));
    assert.ok(Math.abs(from - (Date.now() - 9 * DAY)) < 60_000, `searched from ${new Date(from).toISOString()}`);
    assert.ok(to > Date.now() - HOUR && to < Date.now() - HOUR + 60_000, `searched up to ${new Date(to).toISOString()}`);
  });

  it('searches the full archive for a stretch that ended eight days ago too', async () => {
    const harvest = await harvestOf('ten-days');
    const { gap, bounds } = stretch(10 * DAY, 8 * DAY);
    const since = fake.requests.length;
    await repairGap(harvest, gap, bounds, new StoredIds());
    await harvest.files.close();
    assert.equal(gap.repair?.outcome, 'repaired', JSON.stringify(gap.repair));
    assert.equal(searches(since, 'tweets/search/all').length, 1);
  });
});

describe('repairing a stretch older than recent search reaches, where X will not search the full archive', { timeout: 90_000 }, () => {
  const refused = { nineDays: stretch(9 * DAY, HOUR), tenDays: stretch(10 * DAY, 8 * DAY) };
  /** The recent searches both repairs made. */
  let recent: Array<{ url: string }> = [];
  before(async () => {
    // X's answers fail for good (every retry too); both repairs wait out the retries at once.
    fake.inject('tweets/search/all', { kind: '503' }, 100);
    const since = fake.requests.length;
    try {
      await Promise.all(
        Object.entries(refused).map(async ([id, { gap, bounds }]) => {
          const harvest = await harvestOf(`refused-${id.toLowerCase()}`, id === 'tenDays' ? OTHER_APP : SECRET_BEARER);
          await repairGap(harvest, gap, bounds, new StoredIds());
          await harvest.files.close();
        }),
      );
    } finally {
      fake.clearFaults();
    }
    recent = searches(since, 'tweets/search/recent');
  });

  it('searches what recent search reaches, and says what it left', () => {
    const { gap } = refused.nineDays;
    assert.equal(gap.repair?.outcome, 'partial', JSON.stringify(gap.repair));
    assert.match(
      gap.repair.reason ?? '',
      /^full-archive search failed \(.+\); its part before \d{4}-\d\d-\d\dT[\d:.]+Z is older than the 7 days recent search reaches$/,
    );
    assert.equal(recent.length, 1, 'one recent search in all, for this stretch, which X accepted');
    const from = timeOf(paramsOf(recent[0]).get('since_id'));
    assert.ok(from > Date.now() - 7 * DAY && from < Date.now() - 7 * DAY + HOUR, `searched from ${new Date(from).toISOString()}`);
  });

  it('leaves a stretch wholly older than 7 days unrepaired, saying why, without a recent search X would refuse', () => {
    const { gap } = refused.tenDays;
    assert.equal(gap.repair?.outcome, 'not_repaired');
    assert.match(gap.repair.reason ?? '', /^older than the 7 days recent search reaches, and full-archive search failed \(.+\)$/);
  });
});
