/*
 * Two kinds of failure, kept apart so that the CLI can answer each properly:
 * a UserError is the user's to fix (bad input, missing file) and is printed as a message with a
 * hint; anything else escaping a command is a bug in twarc-cloud and is reported as one.
 */

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly hint?: string,
    /** Lines that show what the message sums up (each problem found, say), printed before it. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}
