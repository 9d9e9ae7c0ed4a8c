import type { GitHubApi } from './github-api.js';

export interface ProposedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Proposes file contents as one pull request from `branch` to `base`: the branch is (re)started at
 * the base's head, each file committed through the contents API, and the branch's open pull
 * request updated, or one opened. Running it again with newer contents updates the same pull request.
 */
export async function proposeFiles(
  api: GitHubApi,
  proposal: {
    readonly branch: string;
    readonly base: string;
    readonly title: string;
    readonly body: string;
    readonly files: readonly ProposedFile[];
  },
): Promise<{ action: 'opened' | 'updated'; number: number }> {
  const base = (await api.call('GET', `git/ref/heads/${proposal.base}`, undefined, [])).body as { object: { sha: string } };
  const sha = base.object.sha;
  const created = await api.call('POST', 'git/refs', { ref: `refs/heads/${proposal.branch}`, sha }, [422]);
  if (created.status === 422) await api.send('PATCH', `git/refs/heads/${proposal.branch}`, { sha, force: true });
  for (const file of proposal.files) {
    const existing = (await api.call('GET', `contents/${file.path}?ref=${encodeURIComponent(proposal.branch)}`, undefined, [404])).body as
      { sha: string } | undefined;
    await api.send('PUT', `contents/${file.path}`, {
      message: `${proposal.title}: ${file.path}`,
      content: Buffer.from(file.content).toString('base64'),
      branch: proposal.branch,
      ...(existing ? { sha: existing.sha } : {}),
    });
  }
  const open = await api.list<{ number: number }>(`pulls?state=open&head=${encodeURIComponent(`${api.owner}:${proposal.branch}`)}`);
  const current = open[0];
  if (current) {
    await api.send('PATCH', `pulls/${current.number}`, { title: proposal.title, body: proposal.body });
    return { action: 'updated', number: current.number };
  }
  const opened = await api.send<{ number: number }>('POST', 'pulls', {
    title: proposal.title,
    head: proposal.branch,
    base: proposal.base,
    body: proposal.body,
  });
  return { action: 'opened', number: opened.number };
}
