import { closest } from '../platform/closest.js';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../platform/errors.js';
import { schemaPattern } from '../platform/schema-validation.js';
import type { CliIo } from './io.js';
import { DEFAULT_HELP_WIDTH, formatHelp } from './help-format.js';
import { invocation } from './invocation.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** What a command module defines: how it is called and what it does. */
export interface CommandSpec {
  /** It talks to X (itself or through the harvests it starts): the CLI gives it --api-base-url. */
  readonly talksToX?: boolean;
  readonly usage: string;
  /** What --help shows after the usage and summary: paragraphs, "Options:" and its entries (cli/help-format.ts). */
  readonly help: string;
  /** Common tasks, each with the command line that does it: the end of --help. */
  readonly examples?: ReadonlyArray<readonly [what: string, commandLine: string]>;
  readonly options: Options;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** A command of a command table: named and summed up there, its module loaded only when it runs. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<CommandSpec>;
}

export type Command = CommandSpec & Pick<CommandEntry, 'name' | 'summary'>;

/** Validation found problems; they have been reported already, so the CLI only sets the exit code. */
export class ValidationFailed extends UserError {
  constructor(readonly errorCount: number) {
    super(`${errorCount} validation error${errorCount === 1 ? '' : 's'}`);
  }
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error);
    const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
    const meant = unknown === undefined ? undefined : closest(unknown, [...Object.keys(command.options), 'help']);
    throw new UserError(`${message}${meant !== undefined ? `; did you mean --${meant}?` : ''}`, `see: twarc-cloud ${command.name} --help`);
  }
}

/** --help of a command, wrapped to the terminal (80 columns when stdout is no terminal). */
export function commandHelp(command: Command, io: CliIo): string {
  return formatHelp(command, helpWidth(io), invocation(io.env));
}

export function helpWidth(io: CliIo): number {
  return io.stdoutIsTty && io.columns !== undefined ? Math.max(40, io.columns) : DEFAULT_HELP_WIDTH;
}

/** Reads an option that parseArgs declared as a string and must be one of `choices`. */
export function choiceOption<T extends string>(args: ParsedArgs, name: string, choices: readonly T[], fallback: T): T {
  const value = args.values[name];
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UserError(`--${name} must be one of ${choices.join(', ')}, not "${String(value)}"`);
}

/** The one collection id a command takes as its argument. */
export function oneCollectionId(command: Pick<CommandSpec, 'usage'>, args: ParsedArgs): string {
  const [id, ...extra] = args.positionals;
  if (id === undefined || extra.length > 0) throw new UserError('expected one collection id', `usage: ${command.usage}`);
  return collectionIdArgument(id);
}

const COLLECTION_ID = new RegExp(schemaPattern('collection', 'id'));

/** A collection id given on the command line, checked by the schema's rule before it names any file or key. */
export function collectionIdArgument(id: string): string {
  if (!COLLECTION_ID.test(id)) {
    throw new UserError(
      `${JSON.stringify(id)} is not a collection id`,
      "ids are lower-case letters, digits and inner hyphens, as in the collection file's name; twarc-cloud list shows them",
    );
  }
  return id;
}
