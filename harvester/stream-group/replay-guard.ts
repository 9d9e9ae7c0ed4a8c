/*
 * Backfill without duplicates. X replays the posts of the minutes asked for (backfill_minutes, at
 * most 5, Enterprise access) on a reconnect, whether the client had them or not; so while backfill
 * is on, the ids of the messages of the last minutes are kept, and a replayed one is left out.
 */

const DATA_OPENING = Buffer.from('{"data":{');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether a line is a post's message (it opens with `data`), told without reading further. */
export function opensWithData(line: Buffer): boolean {
  return line.length > DATA_OPENING.length && line.subarray(0, DATA_OPENING.length).equals(DATA_OPENING);
}

/**
 * The id of a message's tweet: the `id` member of its `data` object, found by a scan that skips
 * nested objects and strings (entities carry ids of their own), without parsing the message.
 * Bytes are scanned as they are: in UTF-8 no byte of a multi-byte character is a quote, brace or
 * backslash. A message of another shape is parsed whole.
 */
export function tweetIdOf(line: Buffer): string | undefined {
  if (!opensWithData(line)) return parsedId(line);
  let depth = 2;
  let expectKey = true;
  for (let i = DATA_OPENING.length; i < line.length; i += 1) {
    const c = line[i];
    if (c === QUOTE) {
      const start = i + 1;
      i = stringEnd(line, start);
      if (depth === 2 && expectKey && i - start === 2 && line[start] === 0x69 && line[start + 1] === 0x64) return valueAfter(line, i + 1);
      expectKey = false;
    } else if (c === 0x7b || c === 0x5b) depth += 1;
    else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
      if (depth < 2) return undefined;
    } else if (c === 0x2c && depth === 2) expectKey = true;
  }
  return undefined;
}

/** The index of the quote that ends the string starting at `start`. */
function stringEnd(line: Buffer, start: number): number {
  let i = start;
  while (i < line.length && line[i] !== QUOTE) i += line[i] === BACKSLASH ? 2 : 1;
  return i;
}

/** The string value after a key's closing quote (`: "..."`). */
function valueAfter(line: Buffer, from: number): string | undefined {
  let i = from;
  while (line[i] === 0x20 || line[i] === 0x3a) i += 1;
  if (line[i] !== QUOTE) return undefined;
  const end = stringEnd(line, i + 1);
  return line.toString('latin1', i + 1, end);
}

function parsedId(line: Buffer): string | undefined {
  try {
    const id = (JSON.parse(line.toString('utf8')) as { data?: { id?: unknown } }).data?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The tweet ids seen in the last `windowMs`, oldest first, so that a replay of them can be left out. */
export class RecentIds {
  private readonly seenAt = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True when the id was seen within the window; otherwise remembers it. */
  seen(id: string, now = Date.now()): boolean {
    for (const [old, at] of this.seenAt) {
      if (at >= now - this.windowMs) break;
      this.seenAt.delete(old);
    }
    if (this.seenAt.has(id)) return true;
    this.seenAt.set(id, now);
    return false;
  }

  get size(): number {
    return this.seenAt.size;
  }
}
