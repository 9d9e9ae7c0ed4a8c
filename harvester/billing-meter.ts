/*
 * What a harvest bought from X, by the cost model's kinds (platform/billing/cost-model.ts): the
 * posts and users each answer returned as `data`, the posts and users its `includes` brought
 * (possibly billed), and counts requests; a resource read twice in one UTC day counted once, as X
 * charges it. Fed by every successful answer of the client and every stream message stored.
 */

import { addReads, DailyReads, NO_READS, type BillableReads, type ReadKind } from '../platform/billing/cost-model.js';
import type { Endpoint } from '../platform/x-api/endpoints.js';

type Json = Record<string, unknown>;

/** Endpoints whose `data` are users; every other endpoint the harvester reads returns posts as `data`. */
const USER_ENDPOINTS: ReadonlySet<Endpoint> = new Set(['users', 'users/by', 'lists/:id/members']);
/** Endpoints that return neither: charged per request, or not at all. */
const NOT_READS: ReadonlySet<Endpoint> = new Set(['tweets/search/stream/rules', 'usage/tweets', 'compliance/jobs', 'compliance/jobs/:id']);

export class BillingMeter {
  private reads: BillableReads = NO_READS;
  private readonly daily = new DailyReads();
  private readonly listeners: Array<(total: BillableReads) => void> = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  get total(): BillableReads {
    return this.reads;
  }

  /** Calls `listener` after every read counted (the budget guard). */
  listen(listener: (total: BillableReads) => void): void {
    this.listeners.push(listener);
  }

  private add(reads: Partial<BillableReads>): void {
    this.reads = addReads(this.reads, reads);
    for (const listener of this.listeners) listener(this.reads);
  }

  /** One successful REST answer. */
  answer(endpoint: Endpoint, body: Json): void {
    if (endpoint === 'tweets/counts/recent' || endpoint === 'tweets/counts/all') {
      this.add(endpoint === 'tweets/counts/recent' ? { counts_recent_requests: 1 } : { counts_all_requests: 1 });
      return;
    }
    if (NOT_READS.has(endpoint)) return;
    this.count(body, USER_ENDPOINTS.has(endpoint) ? 'user' : 'post');
  }

  /**
   * One stream message stored: its one post. Stream messages are stored without being parsed whole
   * (the harvester's fast path), so what their includes bring is not counted; X delivers each post
   * once a connection, and the replay guard drops a backfill's repeats.
   */
  streamPost(): void {
    this.add({ posts: 1 });
  }

  private count(body: Json, dataKind: 'post' | 'user'): void {
    const at = this.now();
    const data = body['data'];
    const items = Array.isArray(data) ? (data as Json[]) : typeof data === 'object' && data !== null ? [data as Json] : [];
    const fresh = (kind: ReadKind, objects: readonly Json[]): number =>
      objects.filter((o) => typeof o['id'] === 'string' && this.daily.firstToday(kind, o['id'], at)).length;
    const includes = (typeof body['includes'] === 'object' && body['includes'] !== null ? body['includes'] : {}) as Json;
    const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
    const direct = fresh(dataKind, items);
    this.add({
      ...(dataKind === 'post' ? { posts: direct } : { users: direct }),
      possibly_posts: fresh('included-post', list(includes['tweets'])),
      possibly_users: fresh('included-user', list(includes['users'])),
    });
  }
}
