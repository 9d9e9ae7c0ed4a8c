import { execFile } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { promisify } from 'node:util';
import { COLLECTIONS_DIR } from '../settings/settings.js';

const run = promisify(execFile);

/** Where a change came from, for changesets: the git commit and author, and who applied it. */
export interface Provenance {
  readonly actor: string;
  readonly git?: { commit?: string; author?: string; branch?: string; message?: string };
  /**
   * The collection files (relative to the project root, under collections/) that differ from the
   * commit: edited, staged, removed or new. A change made from one of them is no commit's, nor its author's.
   */
  readonly uncommitted?: readonly string[];
}

/** The provenance a collection's changeset records: the commit's author only when the collection's file is the commit's. */
export function changesetGit(provenance: Provenance, id: string): (NonNullable<Provenance['git']> & { uncommitted?: true }) | undefined {
  const { git, uncommitted = [] } = provenance;
  if (!git) return undefined;
  const edited = uncommitted.some((path) => path.endsWith(`/${id}.yaml`) || path.endsWith(`/${id}.yml`));
  if (!edited) return git;
  const { author: _author, message: _message, ...rest } = git;
  return { ...rest, uncommitted: true };
}

export async function provenance(root: string, env: NodeJS.ProcessEnv): Promise<Provenance> {
  const githubActor = nonEmpty(env['GITHUB_ACTOR']);
  const runId = nonEmpty(env['GITHUB_RUN_ID']);
  const actor =
    githubActor !== undefined
      ? `${githubActor} (GitHub Actions${runId !== undefined ? ` run ${runId}` : ''})`
      : `${safeUser()}@${hostname()}`;
  const git = async (...args: string[]): Promise<string | undefined> =>
    run('git', ['-C', root, ...args], { timeout: 5000 }).then(
      (result) => result.stdout.trim() || undefined,
      () => undefined,
    );
  const [commit, author, branch, message, changed, untracked] = await Promise.all([
    git('rev-parse', 'HEAD'),
    git('log', '-1', '--format=%an <%ae>'),
    git('rev-parse', '--abbrev-ref', 'HEAD'),
    git('log', '-1', '--format=%s'),
    git('diff', '--name-only', '--relative', 'HEAD', '--', COLLECTIONS_DIR),
    git('ls-files', '--others', '--exclude-standard', '--', COLLECTIONS_DIR),
  ]);
  const uncommitted = [changed, untracked].flatMap((list) => (list ?? '').split('\n')).filter((path) => path !== '');
  const info = {
    ...(commit !== undefined ? { commit } : {}),
    ...(author !== undefined ? { author } : {}),
    ...((nonEmpty(env['GITHUB_REF_NAME']) ?? branch) !== undefined ? { branch: nonEmpty(env['GITHUB_REF_NAME']) ?? branch ?? '' } : {}),
    ...(message !== undefined ? { message } : {}),
  };
  return { actor, ...(Object.keys(info).length > 0 ? { git: info } : {}), ...(uncommitted.length > 0 ? { uncommitted } : {}) };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
