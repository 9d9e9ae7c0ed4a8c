import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireExchange } from './iam/wire-calls.js';

/** An error an AWS service answers with, in its own wire format. */
export interface AwsFault {
  /** The signing name in the request's credential scope: s3, events, ecs, ssm. */
  readonly service: string;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** How many requests meet it; Infinity for all. */
  times: number;
}

/** Answers a request in the proxy's place (what moto cannot do faithfully), or returns undefined to forward it. */
export type Interceptor = (request: Omit<WireExchange, 'status' | 'response'>) => Promise<{ status: number; body: string } | undefined>;

/**
 * A proxy in front of moto_server, on the wire the SDKs really use. It answers chosen requests with
 * AWS errors (throttling, expired credentials) in each service's wire format; it records every
 * request with the access key that signed it (which production role made it), for the IAM check;
 * and it lets a test answer requests moto cannot (ECS RunTask of a Fargate task definition).
 */
export class AwsFaultProxy {
  readonly faults: AwsFault[] = [];
  /** Response headers removed on the way back (lower case), as a misbehaving proxy might. */
  readonly strippedHeaders = new Set<string>();
  readonly answered = new Map<string, number>();
  /** Every request that reached the proxy, in order, with its answer (bodies of S3 reads left out). */
  readonly exchanges: WireExchange[] = [];
  intercept: Interceptor | undefined;
  private readonly server: Server;

  constructor(private readonly upstream: string) {
    this.server = createServer((incoming, outgoing) => {
      void this.handle(incoming).then(
        ({ status, headers, body }) => {
          outgoing.writeHead(status, headers);
          outgoing.end(body);
        },
        (error: unknown) => {
          outgoing.writeHead(502, { 'content-type': 'text/plain' });
          outgoing.end(error instanceof Error ? error.message : String(error));
        },
      );
    });
  }

  private async handle(incoming: IncomingMessage): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    const authorization = incoming.headers.authorization ?? '';
    const scope = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(authorization);
    const service = scope?.[2] ?? 'unknown';
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const request = {
      accessKeyId: scope?.[1] ?? '',
      service,
      method: incoming.method ?? 'GET',
      url: incoming.url ?? '/',
      headers: { ...incoming.headers },
      body: service === 's3' ? '' : body.toString(),
    };
    const record = (status: number, response: string): void => {
      this.exchanges.push({ ...request, status, response });
    };
    const fault = this.faults.find((f) => f.service === service && f.times > 0);
    if (fault) {
      fault.times -= 1;
      this.answered.set(fault.code, (this.answered.get(fault.code) ?? 0) + 1);
      const xml = service === 's3';
      const text = xml
        ? `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>${fault.message}</Message></Error>`
        : JSON.stringify({ __type: fault.code, message: fault.message });
      record(fault.status, text);
      return {
        status: fault.status,
        headers: { 'content-type': xml ? 'application/xml' : 'application/x-amz-json-1.1', 'x-amzn-errortype': fault.code },
        body: Buffer.from(text),
      };
    }
    const answer = await this.intercept?.(request);
    if (answer) {
      record(answer.status, answer.body);
      return { status: answer.status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Buffer.from(answer.body) };
    }
    const target = new URL(this.upstream);
    const forwarded = await new Promise<IncomingMessage>((resolve, reject) => {
      const forward = httpRequest(
        { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
        resolve,
      );
      forward.on('error', reject);
      forward.end(body);
    });
    const answerChunks: Buffer[] = [];
    for await (const chunk of forwarded) answerChunks.push(chunk as Buffer);
    const answerBody = Buffer.concat(answerChunks);
    record(forwarded.statusCode ?? 502, service === 's3' ? '' : answerBody.toString());
    const headers = Object.fromEntries(
      Object.entries(forwarded.headers).filter(
        (entry): entry is [string, string | string[]] => entry[1] !== undefined && !this.strippedHeaders.has(entry[0]),
      ),
    );
    return { status: forwarded.statusCode ?? 502, headers, body: answerBody };
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}
