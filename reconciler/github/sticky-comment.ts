import type { GitHubApi } from './github-api.js';

/** Marks the comment this tool owns on a pull request, so that it is found and updated, never duplicated. */
export const PLAN_COMMENT_MARKER = '<!-- twarc-cloud:plan -->';
/** GitHub refuses comment bodies longer than this. */
export const COMMENT_LIMIT = 65_536;

interface Comment {
  readonly id: number;
  readonly body?: string;
}

/**
 * Posts `markdown` as the one plan comment of a pull request: the comment carrying the marker is
 * updated in place (looked for on every page), or created. A body over GitHub's limit is cut at a
 * line, with a visible note.
 */
export async function upsertStickyComment(
  api: GitHubApi,
  pullRequest: number,
  markdown: string,
): Promise<{ action: 'created' | 'updated'; id: number }> {
  const body = fitComment(`${PLAN_COMMENT_MARKER}\n${markdown}`);
  const comments = await api.list<Comment>(`issues/${pullRequest}/comments`);
  const mine = comments.find((c) => c.body?.startsWith(PLAN_COMMENT_MARKER) === true);
  if (mine) {
    await api.send('PATCH', `issues/comments/${mine.id}`, { body });
    return { action: 'updated', id: mine.id };
  }
  const created = await api.send<Comment>('POST', `issues/${pullRequest}/comments`, { body });
  return { action: 'created', id: created.id };
}

/** Cuts a body to GitHub's limit at a line boundary, saying so where it was cut. */
export function fitComment(body: string, limit = COMMENT_LIMIT): string {
  if (body.length <= limit) return body;
  const note =
    '\n\n**The plan is cut here: it is longer than a GitHub comment can be. The job summary and the workflow log have all of it.**\n';
  const fence = '\n```';
  const room = limit - note.length - fence.length;
  const cut = body.lastIndexOf('\n', room);
  const head = body.slice(0, cut > 0 ? cut : room);
  // Close an open code block so that the note renders as text.
  const open = (head.match(/^```/gm) ?? []).length % 2 === 1;
  return `${head}${open ? fence : ''}${note}`;
}
