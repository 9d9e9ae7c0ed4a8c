import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Comment {
  id: number;
  body: string;
}

interface Issue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  pull_request?: Record<string, never>;
  comments: Comment[];
}

/**
 * A stand-in for the GitHub REST API, for the endpoints the workflows use: issue and pull-request
 * comments, issues; lists paginated with `per_page`/`page` and a `Link` header, as GitHub does;
 * GitHub's 65,536-character limit on bodies enforced with a 422.
 */
export class FakeGitHub {
  readonly issues = new Map<number, Issue>();
  /** Branch heads, and each branch's files (path -> content), as git refs and the contents API show them. */
  readonly refs = new Map<string, string>([['main', 'a'.repeat(40)]]);
  readonly files = new Map<string, Map<string, { sha: string; content: string }>>([['main', new Map()]]);
  readonly pulls: Array<{ number: number; head: string; base: string; title: string; body: string; state: 'open' }> = [];
  readonly requests: string[] = [];
  private nextId = 1000;
  private server: Server;
  private port = 0;

  constructor(readonly repository = 'research/collections') {
    this.server = createServer((request, response) => {
      let text = '';
      request.on('data', (c: Buffer) => (text += c.toString()));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        this.requests.push(`${request.method ?? ''} ${url.pathname}${url.search}`);
        const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
          response.writeHead(status, { 'content-type': 'application/json', ...headers });
          response.end(JSON.stringify(body));
        };
        if (request.headers.authorization !== 'Bearer test-token') {
          reply(401, { message: 'Bad credentials' });
          return;
        }
        const base = `/repos/${this.repository}/`;
        if (!url.pathname.startsWith(base)) {
          reply(404, { message: 'Not Found' });
          return;
        }
        const path = url.pathname.slice(base.length);
        const input = text === '' ? {} : (JSON.parse(text) as { body?: string; title?: string; state?: 'open' | 'closed' });
        if (input.body !== undefined && input.body.length > 65_536) {
          reply(422, {
            message: 'Validation Failed',
            errors: [
              { resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' },
            ],
          });
          return;
        }
        let match: RegExpExecArray | null;
        const git = input as { ref?: string; sha?: string; content?: string; branch?: string; head?: string; base?: string };
        if ((match = /^git\/ref\/heads\/(.+)$/.exec(path)) && request.method === 'GET') {
          const sha = this.refs.get(match[1] ?? '');
          if (sha === undefined) reply(404, { message: 'Not Found' });
          else reply(200, { ref: `refs/heads/${match[1] ?? ''}`, object: { sha, type: 'commit' } });
          return;
        }
        if (path === 'git/refs' && request.method === 'POST') {
          const branch = (git.ref ?? '').replace('refs/heads/', '');
          if (this.refs.has(branch)) {
            reply(422, { message: 'Reference already exists' });
            return;
          }
          this.refs.set(branch, git.sha ?? '');
          this.files.set(branch, new Map(this.files.get('main')));
          reply(201, { ref: git.ref });
          return;
        }
        if ((match = /^git\/refs\/heads\/(.+)$/.exec(path)) && request.method === 'PATCH') {
          this.refs.set(match[1] ?? '', git.sha ?? '');
          this.files.set(match[1] ?? '', new Map(this.files.get('main')));
          reply(200, {});
          return;
        }
        if ((match = /^contents\/(.+)$/.exec(path))) {
          const filePath = match[1] ?? '';
          if (request.method === 'GET') {
            const file = this.files.get(url.searchParams.get('ref') ?? 'main')?.get(filePath);
            if (file) reply(200, { sha: file.sha, path: filePath });
            else reply(404, { message: 'Not Found' });
            return;
          }
          const branchFiles = this.files.get(git.branch ?? 'main');
          const existing = branchFiles?.get(filePath);
          if (existing && git.sha !== existing.sha) {
            reply(409, { message: `${filePath} does not match ${String(git.sha)}` });
            return;
          }
          const sha = (this.nextId += 1).toString(16).padStart(40, '0');
          branchFiles?.set(filePath, { sha, content: Buffer.from(git.content ?? '', 'base64').toString('utf8') });
          reply(existing ? 200 : 201, { content: { sha, path: filePath } });
          return;
        }
        if (path === 'pulls' && request.method === 'GET') {
          const head = url.searchParams.get('head')?.split(':')[1];
          this.page(
            url,
            this.pulls.filter((p) => head === undefined || p.head === head),
            reply,
          );
          return;
        }
        if (path === 'pulls' && request.method === 'POST') {
          const pull = {
            number: 100 + this.pulls.length,
            head: git.head ?? '',
            base: git.base ?? '',
            title: input.title ?? '',
            body: input.body ?? '',
            state: 'open' as const,
          };
          this.pulls.push(pull);
          reply(201, { number: pull.number });
          return;
        }
        if ((match = /^pulls\/(\d+)$/.exec(path)) && request.method === 'PATCH') {
          const pull = this.pulls.find((p) => p.number === Number(match?.[1]));
          if (pull) {
            pull.title = input.title ?? pull.title;
            pull.body = input.body ?? pull.body;
          }
          reply(200, { number: Number(match[1]) });
          return;
        }
        if ((match = /^issues\/(\d+)\/comments$/.exec(path))) {
          const issue = this.issue(Number(match[1]));
          if (request.method === 'GET') {
            this.page(url, issue.comments, reply);
            return;
          }
          const comment = { id: (this.nextId += 1), body: input.body ?? '' };
          issue.comments.push(comment);
          reply(201, comment);
        } else if ((match = /^issues\/comments\/(\d+)$/.exec(path))) {
          const comment = [...this.issues.values()].flatMap((i) => i.comments).find((c) => c.id === Number(match?.[1]));
          if (!comment) {
            reply(404, { message: 'Not Found' });
            return;
          }
          comment.body = input.body ?? comment.body;
          reply(200, comment);
        } else if (path === 'issues' && request.method === 'GET') {
          const state = url.searchParams.get('state') ?? 'open';
          this.page(
            url,
            [...this.issues.values()].filter((i) => state === 'all' || i.state === state).map(({ comments: _c, ...rest }) => rest),
            reply,
          );
        } else if (path === 'issues' && request.method === 'POST') {
          const number = this.issues.size + 1;
          this.issues.set(number, { number, title: input.title ?? '', body: input.body ?? '', state: 'open', comments: [] });
          reply(201, { number });
        } else if ((match = /^issues\/(\d+)$/.exec(path)) && request.method === 'PATCH') {
          const issue = this.issue(Number(match[1]));
          if (input.body !== undefined) issue.body = input.body;
          if (input.state !== undefined) issue.state = input.state;
          reply(200, { number: issue.number });
        } else reply(404, { message: 'Not Found' });
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  /** A pull request (an issue with pull_request set) with `count` comments by others. */
  pullRequest(number: number, count: number): Issue {
    const issue: Issue = { number, title: `PR ${number}`, body: '', state: 'open', pull_request: {}, comments: [] };
    for (let i = 0; i < count; i += 1) issue.comments.push({ id: (this.nextId += 1), body: `review comment ${i}` });
    this.issues.set(number, issue);
    return issue;
  }

  private issue(number: number): Issue {
    let issue = this.issues.get(number);
    if (!issue) {
      issue = { number, title: '', body: '', state: 'open', comments: [] };
      this.issues.set(number, issue);
    }
    return issue;
  }

  private page(
    url: URL,
    items: readonly unknown[],
    reply: (status: number, body: unknown, headers?: Record<string, string>) => void,
  ): void {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(url.toString().replace('http://127.0.0.1', this.url));
      next.searchParams.set('page', String(page + 1));
      headers['link'] = `<${next.toString()}>; rel="next"`;
    }
    reply(200, slice, headers);
  }
}
