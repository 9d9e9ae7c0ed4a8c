/*
 * What one filtered-stream line is, read as cheaply as its shape allows.
 *
 * X sends each message as compact JSON, `{"data":{...},"includes":{...},"matching_rules":[...]}`,
 * framed by `\r\n` over TLS, which protects the bytes from corruption: the way a line goes wrong
 * is truncation. So a line that opens with `{"data":{`, closes with `}` and ends in a
 * `"matching_rules"` member that parses is taken as sent, and only that member is parsed; any
 * other line is parsed whole. Parsing every message whole would cost about as much CPU as
 * compressing it (measured by `npm run bench:harvest`).
 */

export type StreamLine =
  | { readonly kind: 'tweet'; readonly ruleIds: readonly string[] }
  | { readonly kind: 'error'; readonly title?: string; readonly detail?: string; readonly disconnectType?: string }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'other' };

const DATA_OPENING = Buffer.from('{"data":{');
const RULES_MEMBER = Buffer.from(',"matching_rules":[');
const CLOSING_BRACE = 0x7d;

interface Message {
  readonly data?: unknown;
  readonly matching_rules?: ReadonlyArray<{ readonly id?: unknown }>;
  readonly errors?: ReadonlyArray<{ readonly title?: string; readonly detail?: string; readonly disconnect_type?: string }>;
}

export function readStreamLine(line: Buffer): StreamLine {
  if (
    line.length > DATA_OPENING.length &&
    line[line.length - 1] === CLOSING_BRACE &&
    line.subarray(0, DATA_OPENING.length).equals(DATA_OPENING)
  ) {
    const at = line.lastIndexOf(RULES_MEMBER);
    if (at > 0) {
      try {
        const rules = (JSON.parse(`{${line.toString('utf8', at + 1)}`) as Message).matching_rules;
        if (Array.isArray(rules)) return { kind: 'tweet', ruleIds: ruleIdsOf(rules) };
      } catch {
        // not the shape we expected: parse it whole below
      }
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.toString('utf8'));
  } catch {
    return { kind: 'malformed' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { kind: 'malformed' };
  const message = parsed as Message;
  if (message.data !== undefined) return { kind: 'tweet', ruleIds: ruleIdsOf(message.matching_rules ?? []) };
  const problem = message.errors?.[0];
  if (problem) {
    return {
      kind: 'error',
      ...(problem.title !== undefined ? { title: problem.title } : {}),
      ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
      ...(problem.disconnect_type !== undefined ? { disconnectType: problem.disconnect_type } : {}),
    };
  }
  return { kind: 'other' };
}

function ruleIdsOf(rules: ReadonlyArray<{ readonly id?: unknown }>): string[] {
  return rules.map((r) => r.id).filter((id): id is string => typeof id === 'string');
}
