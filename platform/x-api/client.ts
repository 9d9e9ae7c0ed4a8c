import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { ApiResponseError, TwitterApi, type TwitterRateLimit } from 'twitter-api-v2';
import type { XCredentials } from '../credentials/credentials.js';
import { sleep } from '../async.js';
import { backoffMs } from './backoff.js';
import { endpointPath, MIN_REQUEST_INTERVAL_MS, type Endpoint } from './endpoints.js';
import {
  isUsageCapped,
  XApiRequestRefused,
  XApiUnavailable,
  XAppAuthRequired,
  XCredentialsRejected,
  XEndpointNotFound,
  XUsageCapReached,
  problemSummary,
} from './errors.js';
import { RateGate } from './rate-gate.js';

export interface XApiOptions {
  readonly baseUrl: string;
  readonly credentials: XCredentials;
  readonly timeoutMs?: number;
  /** Shrinks every backoff, for tests against the fake API. */
  readonly backoffScale?: number;
  /** Waited past each reset second, for clock skew. */
  readonly rateLimitMarginMs?: number;
  /** Attempts of one request through 5xx, resets and timeouts before giving up. */
  readonly maxAttempts?: number;
  readonly events?: XApiEvents;
}

/** What the client reports as it goes: the harvester counts these into harvest.json and its log. */
export interface XApiEvents {
  request?(endpoint: Endpoint): void;
  rateLimitWait?(endpoint: Endpoint, ms: number): void;
  retry?(endpoint: Endpoint, problem: string, attempt: number, waitMs: number): void;
  /** A successful answer, as X sent it: what X charges for (billing-meter.ts). */
  answer?(endpoint: Endpoint, body: Record<string, unknown>): void;
}

export interface Page {
  /** The response body as X sent it. */
  readonly body: Record<string, unknown>;
  /** The URL with its query, as twarc2 records it in `__twarc.url`. */
  readonly url: string;
}

/**
 * X API v2 over twitter-api-v2, at a configurable base URL, with each endpoint's rate limit
 * respected before a request is sent (twitter-api-v2 reports limits but does not wait for them)
 * and transient failures retried with X's documented backoff.
 */
export class XApiClient {
  private readonly api: TwitterApi;
  private readonly gates = new Map<Endpoint, RateGate>();

  constructor(private readonly options: XApiOptions) {
    const { credentials } = options;
    // twitter-api-v2 sends with https.request; an http Agent lets it speak plain HTTP to a local API.
    const settings = {
      httpAgent: options.baseUrl.startsWith('http:')
        ? (new HttpAgent({ keepAlive: true }) as unknown as HttpsAgent)
        : new HttpsAgent({ keepAlive: true }),
    };
    const user = credentials.userContext;
    if (credentials.bearerToken !== undefined) this.api = new TwitterApi(credentials.bearerToken, settings);
    else if (user)
      this.api = new TwitterApi(
        { appKey: user.consumerKey, appSecret: user.consumerSecret, accessToken: user.accessToken, accessSecret: user.accessTokenSecret },
        settings,
      );
    else throw new Error(`profile ${credentials.profile} has no usable credentials`);
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** True when the profile can call app-only endpoints (searches, streams). */
  get hasAppAuth(): boolean {
    return this.options.credentials.bearerToken !== undefined;
  }

  async get(endpoint: Endpoint, query: Record<string, string>, options: { pathId?: string; signal?: AbortSignal } = {}): Promise<Page> {
    const path = endpointPath(endpoint, options.pathId);
    const url = `${this.options.baseUrl}${path}?${new URLSearchParams(query).toString()}`;
    return this.send(endpoint, url, options.signal, () =>
      this.api.v2.get(path, query, { fullResponse: true, prefix: this.options.baseUrl, timeout: this.options.timeoutMs ?? 60_000 }),
    );
  }

  async post(endpoint: Endpoint, body: Record<string, unknown>, options: { signal?: AbortSignal } = {}): Promise<Page> {
    const url = `${this.options.baseUrl}${endpoint}`;
    return this.send(endpoint, url, options.signal, () =>
      this.api.v2.post(endpoint, body, { fullResponse: true, prefix: this.options.baseUrl, timeout: this.options.timeoutMs ?? 60_000 }),
    );
  }

  private async send(
    endpoint: Endpoint,
    url: string,
    signal: AbortSignal | undefined,
    call: () => Promise<{ data: unknown; rateLimit?: TwitterRateLimit }>,
  ): Promise<Page> {
    const gate = this.gate(endpoint);
    const maxAttempts = this.options.maxAttempts ?? 10;
    let failures = 0;
    for (;;) {
      await gate.acquire(signal);
      this.options.events?.request?.(endpoint);
      let problem: string;
      let kind: 'network' | 'http' | 'rate-limit';
      try {
        const response = await call();
        gate.settle(response.rateLimit);
        const body = (response.data ?? {}) as Record<string, unknown>;
        this.options.events?.answer?.(endpoint, body);
        return { body, url };
      } catch (error) {
        if (!(error instanceof ApiResponseError)) {
          gate.settle(undefined);
          kind = 'network';
          problem = networkProblem(error);
        } else {
          gate.settle(error.rateLimit);
          if (error.code === 401) throw new XCredentialsRejected(this.options.credentials.profile, endpoint);
          if (error.code === 403 && /unsupported-authentication/.test(JSON.stringify(error.data)))
            throw new XAppAuthRequired(this.options.credentials.profile, endpoint);
          if (error.code === 429) {
            if (isUsageCapped(error.data)) throw new XUsageCapReached(endpoint, problemSummary(error.data));
            // A 429 always waits: until the reset the headers give, if it is ahead (even when they show
            // quota left), else with capped exponential backoff below.
            if (error.rateLimit && gate.spentUntil(error.rateLimit.reset)) continue;
          }
          if (error.code === 404) throw new XEndpointNotFound(endpoint, this.options.baseUrl, problemSummary(error.data));
          if (error.code !== 429 && error.code < 500) throw new XApiRequestRefused(endpoint, error.code, problemSummary(error.data));
          kind = error.code === 429 ? 'rate-limit' : 'http';
          problem = `${error.code} ${problemSummary(error.data)}`;
        }
      }
      failures += 1;
      if (failures >= maxAttempts) throw new XApiUnavailable(endpoint, failures, problem, kind);
      const waitMs = backoffMs(kind, failures, this.options.backoffScale);
      this.options.events?.retry?.(endpoint, problem, failures, waitMs);
      await sleep(waitMs, signal);
    }
  }

  private gate(endpoint: Endpoint): RateGate {
    let gate = this.gates.get(endpoint);
    if (!gate) {
      gate = new RateGate(
        this.options.rateLimitMarginMs ?? 1000,
        (wait) => this.options.events?.rateLimitWait?.(endpoint, wait.ms),
        Date.now,
        MIN_REQUEST_INTERVAL_MS[endpoint] ?? 0,
      );
      this.gates.set(endpoint, gate);
    }
    return gate;
  }
}

/** What went wrong on the wire, without anything from the request (its headers carry the token). */
export function networkProblem(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  // twitter-api-v2 keeps the cause in its options as `error`, while its `requestError` getter reads
  // `requestError` (undefined): read both, so that the cause is never lost.
  const options = (error as { _options?: { error?: unknown; requestError?: unknown } })._options;
  const cause = (error as { requestError?: unknown }).requestError ?? options?.requestError ?? options?.error ?? error;
  return describeCause(cause);
}

const NETWORK_CAUSES: Readonly<Record<string, string>> = {
  ENOTFOUND: 'the host name could not be resolved (DNS)',
  EAI_AGAIN: 'the host name could not be resolved for now (DNS)',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

function describeCause(cause: unknown): string {
  if (typeof cause !== 'object' || cause === null) return String(cause);
  const { code, message, hostname, address, port, errors } = cause as {
    code?: unknown;
    message?: unknown;
    hostname?: unknown;
    address?: unknown;
    port?: unknown;
    errors?: unknown;
  };
  // Node reports a refused dual-stack connection as an AggregateError of one error per address.
  const inner = Array.isArray(errors) ? (errors[0] as { code?: unknown; address?: unknown; port?: unknown } | undefined) : undefined;
  const key = typeof code === 'string' ? code : typeof inner?.code === 'string' ? inner.code : undefined;
  const host = typeof hostname === 'string' ? hostname : typeof address === 'string' ? address : inner?.address;
  const hostPort = typeof port === 'number' ? port : inner?.port;
  const where = typeof host === 'string' ? ` (${host}${typeof hostPort === 'number' ? `:${hostPort}` : ''})` : '';
  if (key !== undefined && NETWORK_CAUSES[key] !== undefined) return `${key}: ${NETWORK_CAUSES[key]}${where}`;
  if (key !== undefined && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/.test(key))
    return `${key}: the TLS connection was refused (a proxy that inspects TLS needs NODE_EXTRA_CA_CERTS)`;
  if (typeof message === 'string' && /timeout/i.test(message)) return `timeout: ${message}`;
  return key !== undefined
    ? `${key}${typeof message === 'string' ? `: ${message}` : ''}`
    : typeof message === 'string' && message !== ''
      ? message
      : 'request failed';
}
