import { UserError } from '../../platform/errors.js';

/**
 * The few GitHub REST calls the workflows need, at GITHUB_API_URL (so that tests, and GitHub
 * Enterprise, can point it elsewhere), with the workflow's GITHUB_TOKEN. Lists follow the `Link`
 * header's `next` page to the end.
 */
export class GitHubApi {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly repository: string,
  ) {}

  static fromEnvironment(env: NodeJS.ProcessEnv): GitHubApi {
    const token = env['GITHUB_TOKEN'];
    const repository = env['GITHUB_REPOSITORY'];
    if (token === undefined || token === '' || repository === undefined || repository === '') {
      throw new UserError(
        'GITHUB_TOKEN and GITHUB_REPOSITORY are needed to talk to GitHub',
        'run this in GitHub Actions, with `env: GITHUB_TOKEN: ${{ github.token }}`',
      );
    }
    return new GitHubApi(env['GITHUB_API_URL'] ?? 'https://api.github.com', token, repository);
  }

  /** Every item of a list endpoint (relative to the repository), across pages. */
  async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = `${this.baseUrl}/repos/${this.repository}/${path}${path.includes('?') ? '&' : '?'}per_page=100`;
    while (url !== undefined) {
      const response = await this.fetch(url, { method: 'GET' });
      items.push(...((await response.json()) as T[]));
      url = nextLink(response.headers.get('link'));
    }
    return items;
  }

  async send<T>(method: 'POST' | 'PATCH' | 'PUT', path: string, body: unknown): Promise<T> {
    const response = await this.fetch(`${this.baseUrl}/repos/${this.repository}/${path}`, { method, body: JSON.stringify(body) });
    return (await response.json()) as T;
  }

  /** A request whose listed failure statuses are answers, not errors (404: absent, 422: exists). */
  async call(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    path: string,
    body: unknown,
    allow: readonly number[],
  ): Promise<{ status: number; body: unknown }> {
    const response = await this.fetch(
      `${this.baseUrl}/repos/${this.repository}/${path}`,
      { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) },
      allow,
    );
    return { status: response.status, body: response.ok ? await response.json() : undefined };
  }

  /** The repository owner, for `head=owner:branch` filters. */
  get owner(): string {
    return this.repository.split('/')[0] ?? '';
  }

  private async fetch(url: string, init: { method: string; body?: string }, allow: readonly number[] = []): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'content-type': 'application/json',
        'user-agent': 'twarc-cloud',
      },
    });
    if (!response.ok && !allow.includes(response.status)) {
      const detail = (await response.text()).slice(0, 300);
      throw new UserError(
        `GitHub answered ${response.status} to ${init.method} ${new URL(url).pathname}: ${detail}`,
        response.status === 403
          ? 'the job needs `permissions:` for this (pull-requests: write, issues: write)'
          : 'check GITHUB_TOKEN and GITHUB_REPOSITORY',
      );
    }
    return response;
  }
}

function nextLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>;\s*rel="next"/.exec(part);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}
