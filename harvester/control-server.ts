/*
 * The harvest's control API (docs/architecture.md, "Harvests and the stop protocol"): GET / (live counters), POST /stop (begin a
 * graceful stop), GET /is_stopped (true once the harvest is finalized). Every request needs the
 * per-harvest bearer token published in lock.json. Not port 80: the container runs as non-root.
 */

import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ControlHandlers {
  readonly token: string;
  status(): Record<string, unknown>;
  stop(): void;
  isStopped(): boolean;
}

export interface ControlServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startControlServer(host: string, port: number, handlers: ControlHandlers): Promise<ControlServer> {
  return serveControl(host, port, (path) => ({ handlers, path }));
}

/**
 * The control API of a stream group: each member collection's harvest at `/collections/<id>/`
 * (the URL its lock.json names, so the stop protocol reaches it as it reaches any harvest), each
 * with its own token; `group` answers at `/` for the connection itself.
 */
export async function startGroupControlServer(
  host: string,
  port: number,
  group: ControlHandlers,
  member: (collectionId: string) => ControlHandlers | undefined,
): Promise<ControlServer> {
  return serveControl(host, port, (path) => {
    const match = /^\/collections\/([a-z0-9-]+)(\/.*)$/.exec(path);
    if (!match) return { handlers: group, path };
    const handlers = member(match[1] ?? '');
    return handlers ? { handlers, path: match[2] ?? '/' } : undefined;
  });
}

/** The path of a member's control API inside its group's server (ends in a slash, as the stop protocol appends to it). */
export function memberControlPath(collectionId: string): string {
  return `collections/${collectionId}/`;
}

type Resolve = (path: string) => { readonly handlers: ControlHandlers; readonly path: string } | undefined;

async function serveControl(host: string, port: number, pick: Resolve): Promise<ControlServer> {
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(body)}\n`);
    };
    const target = pick((request.url ?? '/').split('?')[0] ?? '/');
    if (!target) {
      reply(404, { error: 'no such harvest in this stream group' });
      return;
    }
    const { handlers } = target;
    const expected = Buffer.from(`Bearer ${handlers.token}`);
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      reply(401, { error: "a bearer token is required: the one in this harvest's lock.json" });
      return;
    }
    const path = target.path;
    const route = `${request.method ?? 'GET'} ${path}`;
    if (route === 'GET /') reply(200, handlers.status());
    else if (route === 'POST /stop') {
      handlers.stop();
      reply(202, { stopping: true });
    } else if (route === 'GET /is_stopped') reply(200, { stopped: handlers.isStopped() });
    else if (['/', '/stop', '/is_stopped'].includes(path)) reply(405, { error: `${request.method ?? ''} is not allowed here` });
    else reply(404, { error: 'not found; try GET /, POST /stop or GET /is_stopped' });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
