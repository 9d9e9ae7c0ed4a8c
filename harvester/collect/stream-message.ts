/*
 * What one filtered-stream line is, read as cheaply as its shape allows.
 *
 * X sends each message as compact JSON, `{"data":{...},"includes":{...},"matching_rules":[...]}`,
 * framed by `\r\n` over TLS, which protects the bytes from corruption: the way a line goes wrong
 * is truncation. So a line that opens with `{"data":{`, closes with `}` and ends in a
 * `"matching_rules"` member that parses is taken as sent, and only that member is parsed; any
 * other line (members in another order, say) is parsed whole. Parsing every message whole would
 * cost about as much CPU as compressing it (measured by `npm run bench:harvest`).
 *
 * Rule ids are read from the text, never from parsed numbers: ids are 19-digit integers, and
 * early v2 messages sent them as JSON numbers, which JSON.parse rounds to another id.
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
        const tail = line.toString('utf8', at + 1);
        const rules = (JSON.parse(`{${tail}`) as Message).matching_rules;
        if (Array.isArray(rules)) return { kind: 'tweet', ruleIds: rawRuleIds(tail) };
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
  if (message.data !== undefined)
    return { kind: 'tweet', ruleIds: Array.isArray(message.matching_rules) ? rawRuleIds(line.toString('utf8')) : [] };
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

/** What a harvest record says of a message X sent that carries no post: an error X reported, or a line cut short. */
export function streamProblem(message: Extract<StreamLine, { kind: 'error' | 'malformed' }>, bytes: number): string {
  return message.kind === 'malformed'
    ? `malformed stream message skipped (${bytes} bytes)`
    : `stream: ${message.title ?? 'error'}: ${message.detail ?? ''}`;
}

const RULES_KEY = '"matching_rules":[';
const RULE_ID = /"id":\s*(?:"(\d+)"|(\d+))/g;

/**
 * The rule ids of the message's matching_rules member, as written (string or number). The key is
 * found in the raw text safely: inside a JSON string every quote is escaped, so `"matching_rules":[`
 * and `"id":` occur raw only as keys. The array ends at its closing bracket outside any string.
 */
export function rawRuleIds(json: string): string[] {
  const start = json.lastIndexOf(RULES_KEY);
  if (start < 0) return [];
  const open = start + RULES_KEY.length - 1;
  let depth = 0;
  let inString = false;
  let end = json.length;
  for (let i = open; i < json.length; i += 1) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth += 1;
    else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
      if (depth === 0) {
        end = i + 1;
        break;
      }
    }
  }
  return [...json.slice(open, end).matchAll(RULE_ID)].map((m) => m[1] ?? m[2] ?? '');
}

/** The tags of a message's matching rules, read from the whole message: for the rare message whose rule ids are not known yet. */
export function ruleTagsOf(line: Buffer): string[] {
  try {
    const rules = (JSON.parse(line.toString('utf8')) as { matching_rules?: unknown }).matching_rules;
    return Array.isArray(rules) ? rules.flatMap((rule: { tag?: unknown }) => (typeof rule.tag === 'string' ? [rule.tag] : [])) : [];
  } catch {
    return [];
  }
}
