import { execFile } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where a change came from, for changesets: the git commit and author, and who applied it. */
export interface Provenance {
  readonly actor: string;
  readonly git?: { commit?: string; author?: string; branch?: string; message?: string };
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
  const [commit, author, branch, message] = await Promise.all([
    git('rev-parse', 'HEAD'),
    git('log', '-1', '--format=%an <%ae>'),
    git('rev-parse', '--abbrev-ref', 'HEAD'),
    git('log', '-1', '--format=%s'),
  ]);
  const info = {
    ...(commit !== undefined ? { commit } : {}),
    ...(author !== undefined ? { author } : {}),
    ...((nonEmpty(env['GITHUB_REF_NAME']) ?? branch) !== undefined ? { branch: nonEmpty(env['GITHUB_REF_NAME']) ?? branch ?? '' } : {}),
    ...(message !== undefined ? { message } : {}),
  };
  return { actor, ...(Object.keys(info).length > 0 ? { git: info } : {}) };
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
