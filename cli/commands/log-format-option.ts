/*
 * How the commands that run harvests here show them: progress a person can read on a terminal,
 * JSON log lines (one object each, for machines and files) when output is not a terminal or when
 * asked for.
 */

import { choiceOption, type ParsedArgs } from '../command.js';
import type { CliIo } from '../io.js';

export const LOG_FORMAT_OPTION = { 'log-format': { type: 'string' } } as const;

export const LOG_FORMAT_HELP = '  --log-format <f>      progress or json (default: progress on a terminal, else json)';

export function showsProgress(args: ParsedArgs, io: CliIo): boolean {
  return choiceOption(args, 'log-format', ['progress', 'json'] as const, io.stdoutIsTty ? 'progress' : 'json') === 'progress';
}
