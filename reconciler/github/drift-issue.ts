import type { GitHubApi } from './github-api.js';
import { fitComment } from './sticky-comment.js';

export const DRIFT_MARKER = '<!-- twarc-cloud:drift -->';
const TITLE = 'Drift: the live system differs from collections/';

interface Issue {
  readonly number: number;
  readonly body?: string | null;
  readonly pull_request?: unknown;
}

/**
 * The daily drift check's one issue: opened (or updated) while the live system differs from git,
 * closed with a note once it matches again. Found by its marker on any page of open issues.
 */
export async function reportDrift(
  api: GitHubApi,
  drifted: boolean,
  planMarkdown: string,
): Promise<'opened' | 'updated' | 'closed' | 'none'> {
  const open = await api.list<Issue>('issues?state=open');
  const existing = open.find((i) => i.pull_request === undefined && i.body?.startsWith(DRIFT_MARKER) === true);
  const body = fitComment(
    `${DRIFT_MARKER}\nThe scheduled drift check found changes that \`twarc-cloud apply\` would make. Merge a change to \`collections/\` or run the apply workflow to converge.\n\n${planMarkdown}`,
  );
  if (drifted) {
    if (existing) {
      await api.send('PATCH', `issues/${existing.number}`, { body });
      return 'updated';
    }
    await api.send('POST', 'issues', { title: TITLE, body });
    return 'opened';
  }
  if (!existing) return 'none';
  await api.send('POST', `issues/${existing.number}/comments`, { body: 'The drift check finds no differences any more; closing.' });
  await api.send('PATCH', `issues/${existing.number}`, { state: 'closed' });
  return 'closed';
}
