import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { reserveOutputFile } from '../../platform/output-file.js';
import { join, resolve } from 'node:path';
import { UserError } from '../../platform/errors.js';
import { resolveCredentials } from '../../platform/credentials/resolve.js';
import { XApiClient } from '../../platform/x-api/client.js';
import { validateCollectionFile } from '../../reconciler/desired/validate-file.js';
import { formatProblem, relativeToCwd } from '../../reconciler/problems.js';
import { ACCOUNT_KINDS, desiredKind } from '../../reconciler/desired/kinds.js';
import { addUsersToYaml } from '../../reconciler/users/add-users.js';
import { lookUpUsers } from '../../reconciler/users/look-up-users.js';
import { syncUserChanges } from '../../reconciler/users/sync-user-changes.js';
import { collectionIdArgument, type CommandSpec, type ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';
import { reconcileSettings, TARGET_OPTION, TARGET_USAGE, targetHelp, targetStore } from './reconcile-options.js';
import { apiBaseUrl } from './x-api-options.js';

export const usersCommand: CommandSpec = {
  talksToX: true,
  usage: `twarc-cloud users add <collection> [@name ...] [--file names.txt] [--ids] [--ids-file ids.txt] | users sync ${TARGET_USAGE}`,
  help: [
    '  add    look the accounts up (100 a request) and add them to collections/<collection>.yaml,',
    '         leaving every existing line as it is; names not found, suspended or protected are reported.',
    '         A leading @ is optional. With --ids, the arguments are user ids.',
    '  sync   apply what every harvest of each timeline collection learned (user_changes.json, the newest',
    '         change per account) to its YAML file: new',
    '         screen names, and accounts removed where delete_users_for names their condition.',
    '',
    'Options:',
    '  --file <f>            screen names, one per line (# comments allowed)',
    '  --ids                 the arguments are user ids',
    '  --ids-file <f>        user ids, one per line',
    '  --activate            also set state: active (only that line changes)',
    targetHelp(),
    '',
  ].join('\n'),
  options: {
    ...TARGET_OPTION,
    file: { type: 'string' },
    ids: { type: 'boolean' },
    'ids-file': { type: 'string' },
    activate: { type: 'boolean' },
  },
  async run(args, io) {
    const [action] = args.positionals;
    if (action === 'add') return addUsers(args, io);
    if (action !== 'sync' || args.positionals.length > 1)
      throw new UserError('expected: users add ... or users sync', `usage: ${this.usage}`);
    const { settings, targetName } = reconcileSettings(args, io);
    const changed = await syncUserChanges(await targetStore(settings, targetName), settings.collectionsDir);
    for (const file of changed) {
      io.out(`${relativeToCwd(file.file, io.cwd)}:`);
      for (const edit of file.edits) io.out(`  ${edit.kind} ${edit.userId}: ${edit.detail}`);
    }
    io.out(
      changed.length === 0 ? 'No user changes to apply.' : `${changed.length} collection file${changed.length === 1 ? '' : 's'} updated.`,
    );
    return 0;
  },
};

function activate(text: string): string {
  return text.replace(/^state: suspended([ \t]*(#.*)?)\r?$/m, (line) => line.replace('suspended', 'active'));
}

/** A file written with CRLF line endings keeps them in the lines added. */
function sameLineEndings(original: string, edited: string): string {
  return original.includes('\r\n') ? edited.replace(/\r?\n/g, '\r\n') : edited;
}

async function addUsers(args: ParsedArgs, io: CliIo): Promise<number> {
  const [, collectionId, ...given] = args.positionals;
  if (collectionId === undefined) throw new UserError('expected a collection id', 'usage: twarc-cloud users add <collection> @name ...');
  collectionIdArgument(collectionId);
  const { settings } = reconcileSettings(args, io);
  const path = join(settings.collectionsDir, `${collectionId}.yaml`);
  if (!existsSync(path))
    throw new UserError(`no collection file ${relativeToCwd(path, io.cwd)}`, 'twarc-cloud new user_timeline <id> creates one');
  // The file is checked as validate checks it, so that its problems are reported at their line and column.
  const checked = validateCollectionFile([path, relativeToCwd(path, io.cwd), settings.collectionsDir], {
    limits: settings.limits,
    accessLevel: settings.accessLevel,
    keepDocument: true,
  });
  // An active collection without users yet is what `users add` is for.
  const fileProblems = checked.problems.filter((p) => p.severity === 'error' && p.rule !== 'users/empty');
  if (fileProblems.length > 0) {
    for (const problem of fileProblems) io.err(formatProblem(problem));
    throw new UserError(
      `${relativeToCwd(path, io.cwd)} has ${fileProblems.length} problem${fileProblems.length === 1 ? '' : 's'}; no account was added`,
      'fix them (listed above), then add the accounts',
    );
  }
  const text = await readFile(path, 'utf8');
  const document = checked.valid?.document;
  const accountsOf = document === undefined ? undefined : desiredKind(document.type).accounts;
  if (document === undefined || accountsOf === undefined)
    throw new UserError(
      `${collectionId} is a ${String(document?.type)} collection; accounts are added to ${ACCOUNT_KINDS.join(' and ')} collections`,
    );
  const byIds = args.values['ids'] === true || typeof args.values['ids-file'] === 'string';
  const entries = [
    ...given.map((value) => ({ value, shown: value })),
    ...(await listFile(io, args.values['file'])),
    ...(await listFile(io, args.values['ids-file'])),
  ]
    .map((entry) => ({ ...entry, value: entry.value.trim().replace(/^@/, '') }))
    .filter((entry) => entry.value !== '');
  if (entries.length === 0) throw new UserError('no accounts given', 'name them as arguments, or with --file / --ids-file');
  const invalid = entries.filter(({ value }) => (byIds ? !/^[1-9]\d{0,19}$/.test(value) : !/^\w{1,15}$/.test(value)));
  if (invalid.length > 0)
    throw new UserError(
      `not ${byIds ? 'user ids' : 'screen names'}: ${invalid
        .slice(0, 5)
        .map((entry) => entry.shown)
        .join(', ')}${invalid.length > 5 ? ` and ${invalid.length - 5} more` : ''}`,
      'lines of a file are named by their number, never shown: a file given by mistake may hold secrets',
    );
  const listed = entries.map((entry) => entry.value);
  const credentials = await resolveCredentials(document.credentials ?? 'default', { env: io.env });
  const client = new XApiClient({ baseUrl: apiBaseUrl(args, io), credentials });
  // X's look-ups are paid for: a file that cannot be written is found out before them. Never through a link it did not make.
  const output = await reserveOutputFile(path, { replace: true });
  try {
    return await addLookedUp(client, { io, args, path, text, users: accountsOf(document), listed, byIds }, output);
  } finally {
    await output.discard();
  }
}

/** What users add edits: the file as read, and the accounts asked for. */
interface UsersEdit {
  readonly io: CliIo;
  readonly args: ParsedArgs;
  readonly path: string;
  readonly text: string;
  readonly users: Readonly<Record<string, unknown>> | undefined;
  readonly listed: readonly string[];
  readonly byIds: boolean;
}

/** Looks the accounts up on X and writes those found into the file, through the partial reserved before. */
async function addLookedUp(client: XApiClient, edit: UsersEdit, output: { write(content: string): Promise<void> }): Promise<number> {
  const { io, args, path, text, listed, byIds } = edit;
  const { found, problems } = await lookUpUsers(client, [...new Set(listed)], byIds ? 'ids' : 'usernames');
  let result;
  try {
    result = addUsersToYaml(text, found);
  } catch (error) {
    throw new UserError(
      `cannot add accounts to ${relativeToCwd(path, io.cwd)}: ${(error as Error).message}`,
      'write users as a block map (one account per entry), as twarc-cloud new does',
    );
  }
  const empty = edit.users === undefined || Object.keys(edit.users).length === 0;
  if (result.added.length === 0 && empty) {
    for (const problem of problems) io.err(`  ${problem.value}: ${problem.reason} (not added)`);
    throw new UserError(
      `no account could be added to ${relativeToCwd(path, io.cwd)}; the file is unchanged${args.values['activate'] === true ? ' and not activated' : ''}`,
      'check the names (X found none of them), then add them again',
    );
  }
  const edited = args.values['activate'] === true ? activate(result.text) : result.text;
  // The file it read, replaced whole.
  const written = sameLineEndings(text, edited);
  if (written !== text) await output.write(written);
  if (edited !== result.text) io.out(`state: active`);
  for (const user of result.added) io.out(`+ ${user.id} @${user.screenName}`);
  for (const problem of problems)
    io.err(
      `  ${problem.value}: ${problem.reason}${problem.reason === 'protected' ? ' (added; its tweets are readable only to followers)' : ' (not added)'}`,
    );
  io.out(
    `${result.added.length} account${result.added.length === 1 ? '' : 's'} added to ${relativeToCwd(path, io.cwd)}; ${found.length - result.added.length} already there.`,
  );
  return 0;
}

/** The accounts a file lists, one a line (# comments allowed), each shown in messages by its place only. */
async function listFile(io: CliIo, file: string | boolean | undefined): Promise<Array<{ value: string; shown: string }>> {
  if (typeof file !== 'string') return [];
  const text = await readFile(resolve(io.cwd, file), 'utf8').catch((error: unknown) => {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  });
  return text
    .split(/\r?\n/)
    .map((line, index) => ({ value: line.replace(/#.*$/, '').trim(), shown: `line ${index + 1} of ${file}` }))
    .filter((entry) => entry.value !== '');
}
