/*
 * Runs one command line: finds the command in a command table, parses its arguments, runs it, and
 * turns what escapes into an exit code: a user's mistake is a message with a hint, anything else a
 * bug reported as one. Exit codes: 0 success, 1 error (2 is kept for "plan has changes").
 */

import { closest } from '../platform/closest.js';
import { awsUserError } from '../platform/aws/aws-errors.js';
import { UserError } from '../platform/errors.js';
import { fileSystemUserError } from '../platform/fs-errors.js';
import { VERSION } from '../platform/version.js';
import { commandHelp, helpWidth, parseCommandArgs, ValidationFailed, type Command, type CommandEntry } from './command.js';
import { invocation, runnable } from './invocation.js';
import { twoColumns, wrap } from './help-format.js';
import { processIo, type CliIo } from './io.js';
import { API_BASE_URL_HELP, API_BASE_URL_OPTION, withApiBaseUrl } from './commands/x-api-options.js';

/** A command that has returned leaves nothing to wait for; a handle leaked anyway may not keep the process alive past this. */
const EXIT_GRACE_MS = 10_000;

/**
 * The process entry: runs the command, sets the exit code, and makes sure the process then ends
 * within EXIT_GRACE_MS whatever is left open (on ECS, a task that never exits bills forever).
 */
export async function runCliProcess(argv: string[], commands: readonly CommandEntry[]): Promise<void> {
  process.exitCode = await runCli(argv, commands);
  setTimeout(() => {
    process.exit();
  }, EXIT_GRACE_MS).unref();
}

export async function runCli(argv: string[], commands: readonly CommandEntry[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(overview(commands, io));
      return name === undefined ? 1 : 0;
    }
    if (name === '--version' || name === '-V') {
      io.out(version());
      return 0;
    }
    const entry = commands.find((c) => c.name === name);
    if (!entry) {
      const meant = closest(
        name,
        commands.map((c) => c.name),
      );
      throw new UserError(
        `unknown command "${name}"${meant !== undefined ? `; did you mean "${meant}"?` : ''}`,
        'run twarc-cloud --help for the list of commands',
      );
    }
    if (rest.includes('--version')) {
      io.out(version());
      return 0;
    }
    const command = withXApiOption({
      ...(await entry.load()),
      name: entry.name,
      summary: entry.summary,
    });
    const args = parseCommandArgs(command, rest);
    if (args.values['help'] === true) {
      io.out(commandHelp(command, io));
      return 0;
    }
    return await command.run(args, command.talksToX === true ? withApiBaseUrl(args, io) : io);
  } catch (error) {
    return reportFailure(
      error,
      io,
      commands.map((c) => c.name),
    );
  }
}

function reportFailure(failure: unknown, io: CliIo, names: readonly string[]): number {
  const error: unknown = awsUserError(failure) ?? fileSystemUserError(failure) ?? failure;
  if (error instanceof ValidationFailed) return 1;
  if (error instanceof UserError) {
    for (const line of error.details) io.err(line);
    const hint = error.hint === undefined ? undefined : runnable(error.hint, io.env, names);
    io.err(`twarc-cloud: error: ${error.message}${hint ? `\n  hint: ${hint}` : ''}`);
    return 1;
  }
  const detail = error instanceof Error ? (io.env['TWARC_CLOUD_DEBUG'] ? (error.stack ?? error.message) : error.message) : String(error);
  io.err(
    `twarc-cloud: internal error: ${detail}\n` +
      'This is a bug in twarc-cloud, not a mistake of yours. Please report it with the command you ran' +
      (io.env['TWARC_CLOUD_DEBUG'] ? '.' : ' and the output of the same command with TWARC_CLOUD_DEBUG=1.'),
  );
  return 1;
}

/** A command that talks to X takes --api-base-url: declared here, once, for all of them. */
function withXApiOption(command: Command): Command {
  if (command.talksToX !== true) return command;
  return {
    ...command,
    options: { ...command.options, ...API_BASE_URL_OPTION },
    // First in the command's list of options (x-api-option.test holds every such command to one such line).
    help: command.help.replace(/^Options:\n/m, `Options:\n${API_BASE_URL_HELP}\n`),
  };
}

function version(): string {
  return `twarc-cloud ${VERSION}`;
}

function overview(commands: readonly CommandEntry[], io: CliIo): string {
  const width = helpWidth(io);
  const program = invocation(io.env);
  return [
    `Usage: ${program} <command> [options]`,
    '',
    ...wrap('X API v2 collections kept as YAML files in git, reconciled into an archive.', width),
    '',
    'Commands:',
    ...twoColumns(
      commands.map((c) => ({ term: c.name, description: c.summary })),
      width,
    ),
    '',
    'Options:',
    ...twoColumns(
      [
        { term: '-h, --help', description: 'show help (also after a command)' },
        { term: '-V, --version', description: 'show the version' },
      ],
      width,
    ),
    '',
    ...wrap(`Start with \`${program} demo\`: it needs no X account.`, width),
    '',
  ].join('\n');
}
