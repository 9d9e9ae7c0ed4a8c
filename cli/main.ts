import { awsUserError } from '../platform/aws/aws-errors.js';
import { UserError } from '../platform/errors.js';
import { VERSION } from '../platform/version.js';
import { commandHelp, parseCommandArgs, ValidationFailed, type Command } from './command.js';
import { applyCommand } from './commands/apply.js';
import { githubCommand } from './commands/github.js';
import { harvestCommand } from './commands/harvest.js';
import { planCommand } from './commands/plan.js';
import { upCommand } from './commands/up.js';
import { usersCommand } from './commands/users.js';
import { listCommand } from './commands/list.js';
import { lastCommand, statusCommand } from './commands/status.js';
import { changesCommand } from './commands/changes.js';
import { downloadCommand } from './commands/download.js';
import { unlockCommand } from './commands/unlock.js';
import { runCommand } from './commands/run.js';
import { importCommand } from './commands/import.js';
import { credentialsCommand } from './commands/credentials.js';
import { newCommand } from './commands/new.js';
import { validateCommand } from './commands/validate.js';
import { processIo, type CliIo } from './io.js';

const COMMANDS: readonly Command[] = [validateCommand, newCommand, planCommand, applyCommand, upCommand, usersCommand, listCommand, statusCommand, lastCommand, runCommand, changesCommand, downloadCommand, unlockCommand, importCommand, credentialsCommand, harvestCommand, githubCommand];

/** Runs one CLI invocation and returns its exit code: 0 success, 1 error (2 is kept for "plan has changes"). */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.out(overview());
      return name === undefined ? 1 : 0;
    }
    if (name === '--version' || name === '-V') {
      io.out(version());
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw new UserError(`unknown command "${name}"`, 'run twarc-cloud --help for the list of commands');
    if (rest.includes('--version')) {
      io.out(version());
      return 0;
    }
    const args = parseCommandArgs(command, rest);
    if (args.values['help'] === true) {
      io.out(commandHelp(command));
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    return reportFailure(error, io);
  }
}

function reportFailure(failure: unknown, io: CliIo): number {
  const error = awsUserError(failure) ?? failure;
  if (error instanceof ValidationFailed) return 1;
  if (error instanceof UserError) {
    io.err(`twarc-cloud: error: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}`);
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

function version(): string {
  return `twarc-cloud ${VERSION}`;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'twarc-cloud: X API v2 collections kept as YAML files in git, reconciled into an archive.',
    '',
    'Usage: twarc-cloud <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  -h, --help     show help (also after a command)',
    '  -V, --version  show the version',
    '',
  ].join('\n');
}
