import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../../platform/errors.js';
import { reportDrift } from '../../reconciler/github/drift-issue.js';
import { GitHubApi } from '../../reconciler/github/github-api.js';
import { proposeFiles } from '../../reconciler/github/pull-request.js';
import { upsertStickyComment } from '../../reconciler/github/sticky-comment.js';
import type { CommandSpec, ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';

export const githubCommand: CommandSpec = {
  usage:
    'twarc-cloud github <comment|drift> <plan.md> [--pr <number>] [--drifted] | github pull-request <file>... --branch <b> --title <t> [--body-file <f>]',
  help: [
    '  comment <plan.md>   create or update the plan comment of the pull request (and the job summary)',
    '  drift <plan.md>     open or update the drift issue with --drifted, close it without',
    '  pull-request <file>...  commit these files to --branch (restarted at --base) and open or update its pull request',
    '',
    'Needs GITHUB_TOKEN and GITHUB_REPOSITORY (GITHUB_API_URL for GitHub Enterprise).',
    '',
    'Options:',
    '  --pr <number>       the pull request (default: from GITHUB_EVENT_PATH)',
    '  --drifted           the plan found changes',
    '  --branch <b>          pull-request: the branch to commit to',
    '  --title <t>           pull-request: its title',
    '  --base <b>            pull-request: the branch it targets (default main)',
    '  --body-file <f>       pull-request: its description',
    '',
  ].join('\n'),
  options: {
    pr: { type: 'string' },
    drifted: { type: 'boolean' },
    branch: { type: 'string' },
    title: { type: 'string' },
    base: { type: 'string' },
    'body-file': { type: 'string' },
  },
  async run(args, io) {
    if (args.positionals[0] === 'pull-request') return pullRequest(args, io);
    const [action, file, ...extra] = args.positionals;
    if ((action !== 'comment' && action !== 'drift') || file === undefined || extra.length > 0)
      throw new UserError('expected comment or drift, and a plan in markdown', `usage: ${this.usage}`);
    const markdown = await readFile(resolve(io.cwd, file), 'utf8').catch((error: unknown) => {
      throw new UserError(`cannot read ${file}: ${(error as Error).message}`, 'write it with twarc-cloud plan --format markdown > plan.md');
    });
    const api = GitHubApi.fromEnvironment(io.env);
    await writeSummary(io, markdown);
    if (action === 'comment') {
      const result = await upsertStickyComment(api, await pullRequestNumber(args.values['pr'], io.env), markdown);
      io.out(`plan comment ${result.action} (${result.id})`);
    } else {
      io.out(`drift issue: ${await reportDrift(api, args.values['drifted'] === true, markdown)}`);
    }
    return 0;
  },
};

async function pullRequest(args: ParsedArgs, io: CliIo): Promise<number> {
  const files = args.positionals.slice(1);
  const branch = args.values['branch'];
  const title = args.values['title'];
  if (files.length === 0 || typeof branch !== 'string' || typeof title !== 'string')
    throw new UserError('pull-request needs files, --branch and --title', 'see twarc-cloud github --help');
  const bodyFile = args.values['body-file'];
  const body = typeof bodyFile === 'string' ? await readFile(resolve(io.cwd, bodyFile), 'utf8') : '';
  const proposal = await Promise.all(files.map(async (path) => ({ path, content: await readFile(resolve(io.cwd, path), 'utf8') })));
  const base = typeof args.values['base'] === 'string' ? args.values['base'] : 'main';
  const result = await proposeFiles(GitHubApi.fromEnvironment(io.env), { branch, base, title, body, files: proposal });
  io.out(`pull request #${result.number} ${result.action}`);
  return 0;
}

async function pullRequestNumber(given: string | boolean | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  if (typeof given === 'string') {
    const number = Number(given);
    if (!Number.isInteger(number) || number < 1) throw new UserError(`--pr must be a pull request number, not "${given}"`);
    return number;
  }
  const eventPath = env['GITHUB_EVENT_PATH'];
  const event =
    eventPath !== undefined ? (JSON.parse(await readFile(eventPath, 'utf8')) as { pull_request?: { number?: number } }) : undefined;
  const number = event?.pull_request?.number;
  if (number === undefined) throw new UserError('no pull request to comment on', 'run this on pull_request events, or pass --pr');
  return number;
}

/** The whole plan in the job summary, where no size limit cuts it. */
async function writeSummary(io: CliIo, markdown: string): Promise<void> {
  if (io.env['GITHUB_STEP_SUMMARY'] === undefined) return;
  const core = await import('@actions/core');
  await core.summary.addRaw(markdown).write();
}
