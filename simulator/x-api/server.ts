/*
 * A fake X API v2 on a loopback port, faithful on the wire for the endpoints the harvester uses
 * (see rest-endpoints.ts and stream-endpoint.ts). Tests configure a scenario: the corpus,
 * scaled rate-limit windows, the stream plan, and faults to inject; afterwards they read what
 * was served and requested.
 */

import { projectUsage, postCounts, type UsageScenario } from './usage-endpoints.js';
import { ComplianceService, type ComplianceScenario } from './compliance-endpoints.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Corpus, type CorpusOptions } from './corpus.js';
import { RateLimits, type RateLimit } from './rate-limits.js';
import { invalidRequest, parameterProblems } from './parameters.js';
import {
  lookupUsers,
  search,
  userTimeline,
  userMentions,
  lookupTweets,
  quoteTweets,
  listTweets,
  listMembers,
  type FakeAccessLevel,
  type Reply,
} from './rest-endpoints.js';
import { StreamService, TOO_MANY_CONNECTIONS, type StreamFault, type StreamPlan } from './stream-endpoint.js';

export interface Scenario {
  readonly corpus?: CorpusOptions;
  readonly rateLimits?: Readonly<Record<string, RateLimit>>;
  readonly stream?: Partial<StreamPlan>;
  /** Bearer tokens of apps the server accepts; any OAuth 1.0a header is accepted as user context. */
  readonly bearerTokens?: readonly string[];
  /**
   * Searches answer an empty page that still carries a next_token before each page after the first,
   * as X's searches do when the stretch they scanned held no match: the results go on after it.
   */
  readonly searchEmptyPages?: boolean;
  /** The API account's access level, for its query and rule limits (default pro). */
  readonly accessLevel?: FakeAccessLevel;
  /** What the counts and usage endpoints report. */
  readonly usage?: UsageScenario;
  /** How batch compliance jobs behave. */
  readonly compliance?: ComplianceScenario;
  /** X's clock (epoch ms): what recent search's 7-day window and "nothing from the future" are measured from. */
  readonly now?: () => number;
}

export type RequestFault =
  /** No fault: answered as usual (to let some requests through before the faults begin). */
  | { readonly kind: 'none' }
  | { readonly kind: '503' }
  /** A 429 with the window reported as spent until `resetInMs` from now. */
  | { readonly kind: '429'; readonly resetInMs: number }
  /** A 429 whose headers still show quota left in the window (X sends these too). */
  | { readonly kind: '429-quota-left'; readonly resetInMs: number }
  /** A 429 without any x-rate-limit-* header. */
  | { readonly kind: '429-bare' }
  /** The monthly post cap of the app's project is used up: a 429 with the window's quota left, as X sends it. */
  | { readonly kind: 'usage-cap' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'stall'; readonly ms: number };

/** X's answer once the monthly post cap is used up (captured from the API): 429, with rate-limit headers that show quota left. */
export const USAGE_CAPPED = {
  title: 'UsageCapExceeded',
  period: 'Monthly',
  scope: 'Product',
  detail: 'Usage cap exceeded: Monthly product cap',
  type: 'https://api.twitter.com/2/problems/usage-capped',
};

const TOO_MANY_REQUESTS = { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 };

/** Endpoints only an app (bearer token) may call. */
const APP_ONLY = new Set([
  'tweets/search/all',
  'tweets/search/stream',
  'tweets/search/stream/rules',
  'usage/tweets',
  'compliance/jobs',
  'compliance/jobs/:id',
]);

export class FakeXApi {
  readonly corpus: Corpus;
  readonly stream: StreamService;
  readonly compliance: ComplianceService;
  readonly rateLimits: RateLimits;
  /** Every request, in order: endpoint and the status answered. */
  readonly requests: Array<{ endpoint: string; status: number; url: string; at: number }> = [];
  private readonly faults = new Map<string, RequestFault[]>();
  /** Called with every request before it is answered; the answer waits for what it returns. */
  private received = 0;
  private requestHook: ((request: { readonly endpoint: string; readonly index: number }) => Promise<void> | undefined) | undefined;
  private readonly server: Server;
  private readonly searchEmptyPages: boolean;
  private readonly accessLevel: FakeAccessLevel;
  private readonly usage: UsageScenario;
  private readonly now: () => number;
  /** When each app last called full-archive search, which X allows once a second. */
  private readonly lastArchiveSearch = new Map<string, number>();
  private readonly bearerTokens: ReadonlySet<string>;
  private address: AddressInfo | undefined;

  constructor(scenario: Scenario = {}) {
    this.corpus = new Corpus(scenario.corpus);
    this.rateLimits = new RateLimits(scenario.rateLimits ?? {});
    this.accessLevel = scenario.accessLevel ?? 'pay_per_use';
    this.usage = scenario.usage ?? {};
    this.now = scenario.now ?? Date.now;
    this.stream = new StreamService(this.corpus, { tweets: 0, keepAliveMs: 20_000, ...scenario.stream }, this.accessLevel);
    this.compliance = new ComplianceService(scenario.compliance ?? {}, this.now, () => this.baseUrl.replace(/2\/$/, ''));
    this.bearerTokens = new Set(scenario.bearerTokens ?? ['test-bearer-token']);
    this.searchEmptyPages = scenario.searchEmptyPages === true;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) send(response, 500, {}, { title: 'Internal Error', detail: String(error) });
      });
    });
  }

  /** The base URL to configure clients with, like https://api.x.com/2/. */
  get baseUrl(): string {
    if (!this.address) throw new Error('the fake X API is not started');
    return `http://127.0.0.1:${this.address.port}/2/`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.address = this.server.address() as AddressInfo;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  /** The next `times` requests to `endpoint` (after `after` more answered as usual) meet `fault` instead of an answer. */
  inject(endpoint: string, fault: RequestFault, times = 1, after = 0): void {
    const queue = this.faults.get(endpoint) ?? [];
    for (let i = 0; i < after; i += 1) queue.push({ kind: 'none' });
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.faults.set(endpoint, queue);
  }

  /**
   * Calls `hook` with each request (its endpoint, and its number among all requests so far) before
   * answering it; an answer waits for the promise the hook returns. Undefined removes the hook.
   */
  onRequest(hook: ((request: { readonly endpoint: string; readonly index: number }) => Promise<void> | undefined) | undefined): void {
    this.requestHook = hook;
  }

  /** Forgets every request fault not yet met. */
  clearFaults(): void {
    this.faults.clear();
  }

  injectStreamFault(afterTweets: number, fault: StreamFault): void {
    this.stream.injectFault(afterTweets, fault);
  }

  count(endpoint: string, status?: number): number {
    return this.requests.filter((r) => r.endpoint === endpoint && (status === undefined || r.status === status)).length;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (await this.compliance.storage(request, response, url)) return;
    const route = routeOf(request.method ?? 'GET', url.pathname);
    const record = (status: number): void => {
      this.requests.push({ endpoint: route?.endpoint ?? url.pathname, status, url: url.pathname + url.search, at: Date.now() });
    };
    if (!route) {
      record(404);
      send(
        response,
        404,
        {},
        { title: 'Not Found Error', detail: `Sorry, that page does not exist: ${url.pathname}`, type: 'about:blank', status: 404 },
      );
      return;
    }
    const auth = request.headers.authorization ?? '';
    const bearer = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const userContext = auth.startsWith('OAuth ');
    if ((bearer === undefined || !this.bearerTokens.has(bearer)) && !userContext) {
      record(401);
      send(response, 401, {}, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      return;
    }
    if (userContext && APP_ONLY.has(route.endpoint)) {
      record(403);
      send(
        response,
        403,
        {},
        {
          title: 'Unsupported Authentication',
          detail:
            'Authenticating with OAuth 1.0a User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 Application-Only].',
          type: 'https://api.twitter.com/2/problems/unsupported-authentication',
          status: 403,
        },
      );
      return;
    }
    const app = bearer ?? 'user-context';
    const problems = parameterProblems(route.method, route.endpoint, url.searchParams);
    if (problems.length > 0) {
      const reply = invalidRequest(problems);
      record(reply.status);
      send(response, reply.status, {}, reply.body);
      return;
    }
    this.received += 1;
    await this.requestHook?.({ endpoint: route.endpoint, index: this.received });
    const fault = this.faults.get(route.endpoint)?.shift();
    if (fault?.kind === '429') {
      record(429);
      send(response, 429, this.rateLimits.exhausted(app, route.endpoint, fault.resetInMs), TOO_MANY_REQUESTS);
      return;
    }
    if (fault?.kind === '429-quota-left') {
      record(429);
      send(response, 429, this.rateLimits.peek(app, route.endpoint, fault.resetInMs), TOO_MANY_REQUESTS);
      return;
    }
    if (fault?.kind === '429-bare') {
      record(429);
      send(response, 429, {}, TOO_MANY_REQUESTS);
      return;
    }
    if (fault?.kind === 'usage-cap') {
      record(429);
      send(response, 429, this.rateLimits.take(app, route.endpoint).headers, USAGE_CAPPED);
      return;
    }
    const rate = this.rateLimits.take(app, route.endpoint);
    if (!rate.allowed) {
      record(429);
      send(response, 429, rate.headers, TOO_MANY_REQUESTS);
      return;
    }
    if (route.endpoint === 'tweets/search/all') {
      // Full-archive search takes one request a second besides its 15-minute window; the 429 for a
      // faster one reports that one-second window.
      const now = Date.now();
      const last = this.lastArchiveSearch.get(app);
      if (last !== undefined && now - last < 1000) {
        this.rateLimits.refused.set(route.endpoint, (this.rateLimits.refused.get(route.endpoint) ?? 0) + 1);
        record(429);
        send(
          response,
          429,
          { 'x-rate-limit-limit': '1', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil((last + 1000) / 1000)) },
          TOO_MANY_REQUESTS,
        );
        return;
      }
      this.lastArchiveSearch.set(app, now);
    }
    if (fault?.kind === '503') {
      record(503);
      send(response, 503, rate.headers, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 });
      return;
    }
    if (fault?.kind === 'stall') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (route.endpoint === 'tweets/search/stream') {
      if (this.stream.isConnected(app)) {
        record(429);
        send(response, 429, rate.headers, TOO_MANY_CONNECTIONS);
        return;
      }
      record(200);
      for (const [name, value] of Object.entries(rate.headers)) response.setHeader(name, value);
      this.stream.connect(app, response, Number(url.searchParams.get('backfill_minutes') ?? 0));
      return;
    }
    const reply = await this.answer(route, url.searchParams, request, app);
    record(reply.status);
    if (fault?.kind === 'reset') {
      // Headers and half the page, then the connection drops: a reset mid-page.
      const text = JSON.stringify(reply.body);
      response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...rate.headers });
      response.write(text.slice(0, Math.floor(text.length / 2)));
      setImmediate(() => response.socket?.destroy());
      return;
    }
    send(response, reply.status, rate.headers, reply.body);
  }

  private async answer(route: Route, query: URLSearchParams, request: IncomingMessage, app: string): Promise<Reply> {
    switch (route.endpoint) {
      case 'users':
        return lookupUsers(this.corpus, query, 'ids');
      case 'users/by':
        return lookupUsers(this.corpus, query, 'usernames');
      case 'users/:id/tweets':
        return userTimeline(this.corpus, route.pathId ?? '', query);
      case 'tweets':
        return lookupTweets(this.corpus, query);
      case 'lists/:id/tweets':
        return listTweets(this.corpus, route.pathId ?? '', query);
      case 'lists/:id/members':
        return listMembers(this.corpus, route.pathId ?? '', query);
      case 'tweets/:id/quote_tweets':
        return quoteTweets(this.corpus, route.pathId ?? '', query);
      case 'users/:id/mentions':
        return userMentions(this.corpus, route.pathId ?? '', query);
      case 'tweets/search/recent':
      case 'tweets/search/all':
        return search(this.corpus, query, {
          archive: route.endpoint === 'tweets/search/all',
          accessLevel: this.accessLevel,
          now: this.now(),
          emptyPages: this.searchEmptyPages,
        });
      case 'tweets/counts/recent':
      case 'tweets/counts/all':
        return postCounts(query, {
          now: this.now(),
          archive: route.endpoint === 'tweets/counts/all',
          accessLevel: this.accessLevel,
          usage: this.usage,
        });
      case 'usage/tweets':
        return projectUsage(this.usage);
      case 'compliance/jobs':
        return route.method === 'GET' ? this.compliance.list(app, query) : this.compliance.create(app, await readJson(request));
      case 'compliance/jobs/:id':
        return this.compliance.get(app, route.pathId ?? '');
      default:
        return route.method === 'GET' ? this.stream.listRules(app) : this.stream.changeRules(app, await readJson(request));
    }
  }
}

interface Route {
  readonly endpoint: string;
  readonly method: string;
  /** The id in the path: a user's, or a compliance job's. */
  readonly pathId?: string;
}

function routeOf(method: string, path: string): Route | undefined {
  const timeline = /^\/2\/users\/(\d+)\/(tweets|mentions)$/.exec(path);
  if (method === 'GET' && timeline?.[1] !== undefined) return { endpoint: `users/:id/${timeline[2] ?? ''}`, method, pathId: timeline[1] };
  const list = /^\/2\/lists\/(\d{1,19})\/(tweets|members)$/.exec(path);
  if (method === 'GET' && list?.[1] !== undefined) return { endpoint: `lists/:id/${list[2] ?? ''}`, method, pathId: list[1] };
  const quotes = /^\/2\/tweets\/(\d{1,19})\/quote_tweets$/.exec(path);
  if (method === 'GET' && quotes?.[1] !== undefined) return { endpoint: 'tweets/:id/quote_tweets', method, pathId: quotes[1] };
  const job = /^\/2\/compliance\/jobs\/(\d{1,19})$/.exec(path);
  if (method === 'GET' && job?.[1] !== undefined) return { endpoint: 'compliance/jobs/:id', method, pathId: job[1] };
  const fixed: Record<string, string> = {
    'GET /2/users': 'users',
    'GET /2/tweets': 'tweets',
    'GET /2/users/by': 'users/by',
    'GET /2/tweets/search/recent': 'tweets/search/recent',
    'GET /2/tweets/search/all': 'tweets/search/all',
    'GET /2/tweets/search/stream': 'tweets/search/stream',
    'GET /2/tweets/counts/recent': 'tweets/counts/recent',
    'GET /2/tweets/counts/all': 'tweets/counts/all',
    'GET /2/usage/tweets': 'usage/tweets',
    'GET /2/tweets/search/stream/rules': 'tweets/search/stream/rules',
    'POST /2/tweets/search/stream/rules': 'tweets/search/stream/rules',
    'GET /2/compliance/jobs': 'compliance/jobs',
    'POST /2/compliance/jobs': 'compliance/jobs',
  };
  const endpoint = fixed[`${method} ${path}`];
  return endpoint === undefined ? undefined : { endpoint, method };
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
