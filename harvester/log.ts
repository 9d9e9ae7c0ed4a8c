/*
 * Structured logs: one JSON object per line, with the collection and harvest in every line.
 * Every line is scrubbed of the credentials' secret values before it is written, so that a
 * secret that slipped into a message (an error echoing a header, say) still never leaves.
 */

export type Level = 'debug' | 'info' | 'warn' | 'error';

export class JsonLog {
  private secrets: string[] = [];

  constructor(
    private readonly write: (line: string) => void,
    private readonly base: Record<string, unknown>,
  ) {}

  /** Values that must never appear in a log line; too-short values are not secrets worth matching. */
  redact(values: readonly string[]): void {
    this.secrets = [...this.secrets, ...values.filter((v) => v.length >= 6)];
  }

  scrub(text: string): string {
    let clean = text;
    for (const secret of this.secrets) clean = clean.split(secret).join('[redacted]');
    return clean;
  }

  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.log('debug', message, fields);
  }

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.log('info', message, fields);
  }

  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.log('warn', message, fields);
  }

  error(message: string, fields: Record<string, unknown> = {}): void {
    this.log('error', message, fields);
  }

  private log(level: Level, message: string, fields: Record<string, unknown>): void {
    const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...this.base, ...fields });
    this.write(this.scrub(line));
  }
}
