import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/**
 * A proxy in front of moto_server that answers chosen requests with AWS errors (throttling,
 * expired credentials), in each service's wire format, so that the SDK's retries and our error
 * reporting meet what AWS really sends.
 */
export class AwsFaultProxy {
  readonly faults: AwsFault[] = [];
  /** Response headers removed on the way back (lower case), as a misbehaving proxy might. */
  readonly strippedHeaders = new Set<string>();
  readonly answered = new Map<string, number>();
  private readonly server: Server;

  constructor(private readonly upstream: string) {
    this.server = createServer((incoming, outgoing) => {
      const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(incoming.headers.authorization ?? '')?.[1] ?? 'unknown';
      const fault = this.faults.find((f) => f.service === service && f.times > 0);
      if (fault) {
        fault.times -= 1;
        this.answered.set(fault.code, (this.answered.get(fault.code) ?? 0) + 1);
        incoming.resume();
        const xml = service === 's3';
        const body = xml
          ? `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>${fault.message}</Message></Error>`
          : JSON.stringify({ __type: fault.code, message: fault.message });
        outgoing.writeHead(fault.status, {
          'content-type': xml ? 'application/xml' : 'application/x-amz-json-1.1',
          'x-amzn-errortype': fault.code,
        });
        outgoing.end(body);
        return;
      }
      const target = new URL(this.upstream);
      const forward = httpRequest(
        { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
        (answer) => {
          const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !this.strippedHeaders.has(name)));
          outgoing.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(outgoing);
        },
      );
      incoming.pipe(forward);
    });
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
