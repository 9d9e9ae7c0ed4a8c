/*
 * The stream group's routing, alone: which member harvests a message goes to, by the rule ids of
 * the last rule sync or, for a rule X matched before its add was answered, by the rule's tag.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonLog } from '../../harvester/log.js';
import type { TweetFiles } from '../../harvester/output/tweet-files.js';
import { StopController } from '../../harvester/stop.js';
import type { MemberHarvest } from '../../harvester/stream-group/member-harvest.js';
import { MessageRouter, type RoutingMembers } from '../../harvester/stream-group/message-router.js';
import { PendingMessages } from '../../harvester/stream-group/pending-messages.js';
import { RecentIds } from '../../harvester/stream-group/replay-guard.js';
import type { Slot } from '../../harvester/stream-group/slot.js';

const idOf = (line: string): string => (JSON.parse(line) as { data: { id: string } }).data.id;

/** A member whose harvest is open, recording the messages it takes and the problems it is told of. */
function openMember(id: string, log: JsonLog): { slot: Slot; taken: string[]; problems: string[] } {
  const taken: string[] = [];
  const problems: string[] = [];
  const harvest = {
    ending: false,
    append: (head: Buffer, tail: Buffer) => {
      taken.push(idOf(`${head.toString()}${tail.toString()}`));
      return undefined;
    },
    noteProblem: (problem: string) => problems.push(problem),
  } as unknown as MemberHarvest;
  const member = { config: { id }, hash: 'h' } as unknown as Slot['member'];
  return { slot: { member, harvest, pending: new PendingMessages(log, id) }, taken, problems };
}

function routerFor(ids: readonly string[], recent?: RecentIds) {
  const lines: string[] = [];
  const log = new JsonLog((line) => lines.push(line), {});
  const members = new Map(ids.map((id) => [id, openMember(id, log)]));
  const unmatched: string[] = [];
  const files = {
    append: (parts: Buffer[]) => {
      unmatched.push(idOf(Buffer.concat(parts).toString()));
      return undefined;
    },
  } as unknown as TweetFiles;
  const routing: RoutingMembers = {
    slot: (id) => members.get(id)?.slot,
    slots: () => [...members.values()].map((m) => m.slot),
    isMember: (id) => members.has(id),
    wantsHarvest: () => true,
  };
  const router = new MessageRouter('https://api.x.com/2/tweets/search/stream', routing, files, new StopController(), log, recent);
  return { router, members, unmatched, lines };
}

// X's rule ids are numbers written as strings.
const message = (id: string, rules: Array<{ id: string; tag?: string }>): Buffer =>
  Buffer.from(JSON.stringify({ data: { id, text: `post ${id}` }, matching_rules: rules }));

describe('the routing of a stream group', () => {
  it("gives each post to every member whose rules it matched, once each, with twarc's metadata", () => {
    const { router, members, unmatched } = routerFor(['climate', 'energy']);
    router.reroute(
      new Map([
        ['101', ['climate']],
        ['102', ['energy']],
        ['103', ['climate', 'energy']],
      ]),
    );
    void router.onLine(message('1', [{ id: '101' }]));
    void router.onLine(message('2', [{ id: '101' }, { id: '103' }]));
    void router.onLine(message('3', [{ id: '102' }]));
    assert.deepEqual(members.get('climate')?.taken, ['1', '2']);
    assert.deepEqual(members.get('energy')?.taken, ['2', '3']);
    assert.deepEqual(unmatched, []);
  });

  it("routes a rule it has no id for by the rule's tag, and keeps what matched no member apart", () => {
    const { router, members, unmatched } = routerFor(['climate']);
    void router.onLine(message('4', [{ id: '201', tag: 'climate:heat' }]));
    void router.onLine(message('5', [{ id: '202', tag: 'someone-else' }]));
    assert.deepEqual(members.get('climate')?.taken, ['4']);
    assert.deepEqual(unmatched, ['5']);
  });

  it('keeps routing the ids of rules just replaced while their collection is a member, and drops those of one that left', () => {
    const { router, members, unmatched } = routerFor(['climate']);
    router.reroute(
      new Map([
        ['301', ['climate']],
        ['302', ['left']],
      ]),
    );
    router.reroute(new Map([['201', ['climate']]]));
    void router.onLine(message('6', [{ id: '301' }]));
    void router.onLine(message('7', [{ id: '302' }]));
    assert.deepEqual(members.get('climate')?.taken, ['6']);
    assert.deepEqual(unmatched, ['7']);
  });

  it('drops a post a backfill replays, once, and counts it', () => {
    const { router, members } = routerFor(['climate'], new RecentIds(60_000));
    router.reroute(new Map([['101', ['climate']]]));
    void router.onLine(message('8', [{ id: '101' }]));
    void router.onLine(message('8', [{ id: '101' }]));
    assert.deepEqual(members.get('climate')?.taken, ['8']);
    assert.equal(router.replayedDuplicates, 1);
  });

  it("tells every open member's harvest of an error message, and stores nothing for it", () => {
    const { router, members, unmatched } = routerFor(['climate', 'energy']);
    void router.onLine(Buffer.from(JSON.stringify({ errors: [{ title: 'operational-disconnect', detail: 'x' }] })));
    void router.onLine(Buffer.from('{not json'));
    for (const member of members.values()) assert.equal(member.problems.length, 2);
    assert.deepEqual(unmatched, []);
  });
});
