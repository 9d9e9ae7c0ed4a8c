/*
 * `twarc-cloud demo`: the whole loop a researcher will run for real (plan with its cost, apply,
 * harvests with their progress, list, an export, a report), in a throw-away project against the
 * X API simulator in this process: no X account, no credentials, no network. Each step is the
 * command as the user would type it, printed before it runs.
 */

import { resolve } from 'node:path';
import { API_BASE_URL_ENV } from '../../platform/x-api/base-url.js';
import { UserError } from '../../platform/errors.js';
import { envPrefix } from '../../platform/credentials/resolve.js';
import type { CommandEntry, CommandSpec } from '../command.js';
import { startDemoWorld, DEMO_STREAM_PER_SECOND } from '../demo/demo-world.js';
import { DEMO_PROFILE, writeDemoProject } from '../demo/demo-project.js';
import { invocation } from '../invocation.js';
import type { CliIo } from '../io.js';
import { runCli } from '../main.js';

const DEFAULT_DIR = 'twarc-cloud-demo';
const DEFAULT_STREAM_SECONDS = 30;

export function demoCommand(commands: readonly CommandEntry[]): CommandSpec {
  return {
    usage: 'twarc-cloud demo [--dir twarc-cloud-demo] [--stream-seconds 30]',
    help: [
      'Starts a simulated X API on 127.0.0.1 inside this process (generated posts, accounts and a live',
      'stream, each marked as demo data), writes a throw-away project with a search, a timeline and a',
      'stream collection, and runs plan, apply, the three harvests, list, export and report in it,',
      'printing each command first. Needs no X account and no network. Ctrl-C stops it gracefully.',
      '',
      'Options:',
      `  --dir <dir>           the demo project (default: ./${DEFAULT_DIR}, git-ignored; an earlier demo there is replaced)`,
      `  --stream-seconds <n>  about how long the stream collection runs (default ${DEFAULT_STREAM_SECONDS})`,
      '',
    ].join('\n'),
    examples: [['Run the demo, its stream for 10 seconds', 'twarc-cloud demo --stream-seconds 10']],
    options: { dir: { type: 'string' }, 'stream-seconds': { type: 'string' } },
    async run(args, io) {
      const seconds = streamSeconds(args.values['stream-seconds']);
      const dir = resolve(io.cwd, typeof args.values['dir'] === 'string' ? args.values['dir'] : DEFAULT_DIR);
      const world = await startDemoWorld();
      const interrupt = new AbortController();
      const onSignal = (): void => {
        interrupt.abort();
      };
      const interrupted = (): boolean => interrupt.signal.aborted;
      process.on('SIGINT', onSignal);
      try {
        await writeDemoProject(dir, { accounts: world.accounts, streamPosts: seconds * DEMO_STREAM_PER_SECOND });
        const program = invocation(io.env);
        io.out(
          [
            `twarc-cloud demo: a simulated X API on ${world.api.baseUrl} (demo data, not X's), and a throw-away project in ${dir}`,
            '',
            `$ cd ${dir}`,
          ].join('\n'),
        );
        const demoIo = projectIo(io, dir, world.api.baseUrl, world.bearerToken);
        for (const step of steps()) {
          if (interrupted()) break;
          io.out(`\n$ ${program} ${step.args.join(' ')}${step.note !== undefined ? `   # ${step.note}` : ''}`);
          const status = await runCli(step.args, commands, demoIo);
          if (interrupted()) break;
          if (!step.ok.includes(status)) {
            io.err(`twarc-cloud demo: ${step.args.join(' ')} exited ${status}; the project stays in ${dir} to look into`);
            return 1;
          }
        }
        io.out(
          interrupted()
            ? `\nStopped. What was harvested is stored: ${dir}`
            : [
                '',
                `Done. In ${dir}: the archive (archive/), the CSV and the report (exports/).`,
                `Next: look at collections/*.yaml there, then write your own with \`${program} new\` in this repository;`,
                'the README says how to give it your X credentials.',
              ].join('\n'),
        );
        return interrupted() ? 130 : 0;
      } finally {
        process.off('SIGINT', onSignal);
        await world.api.stop();
      }
    },
  };
}

interface Step {
  readonly args: string[];
  /** The exit codes that mean it went as it should (plan says 2 when there are changes). */
  readonly ok: readonly number[];
  readonly note?: string;
}

function steps(): Step[] {
  return [
    { args: ['validate'], ok: [0] },
    { args: ['plan'], ok: [0, 2], note: 'what apply would do, and what it costs on X' },
    { args: ['apply', '--yes'], ok: [0] },
    { args: ['run', 'demo-search'], ok: [0] },
    { args: ['run', 'demo-timeline'], ok: [0] },
    { args: ['run', 'demo-stream'], ok: [0], note: 'stops itself at its max_records' },
    { args: ['list'], ok: [0] },
    { args: ['export', 'demo-search', '--format', 'csv'], ok: [0] },
    { args: ['report', 'demo-stream'], ok: [0] },
  ];
}

/** The demo project's view of this process: its folder, and the simulator as X with the demo's credentials. */
function projectIo(io: CliIo, dir: string, apiBaseUrl: string, bearerToken: string): CliIo {
  const env: NodeJS.ProcessEnv = { ...io.env, [API_BASE_URL_ENV]: apiBaseUrl, [`${envPrefix(DEMO_PROFILE)}BEARER_TOKEN`]: bearerToken };
  delete env['TWARC_CLOUD_ARCHIVE'];
  return { ...io, cwd: dir, env };
}

function streamSeconds(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_STREAM_SECONDS;
  const seconds = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(seconds) || seconds < 1 || seconds > 3600)
    throw new UserError(`--stream-seconds must be a whole number of seconds from 1 to 3600, not "${String(value)}"`);
  return seconds;
}
