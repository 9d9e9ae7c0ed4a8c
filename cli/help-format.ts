/*
 * How `--help` reads, in the style twarc2 (click) and most Unix tools have taught researchers:
 * usage first, then what the command does, then its options in two columns with defaults as
 * `[default: ...]`, examples last, all wrapped to the terminal (80 columns when output is not one).
 * Commands write their help as plain lines (options as "  --flag <x>   what it does", a longer
 * description continued on deeper-indented lines); this module alone decides the layout.
 */

/** Wraps when output is not a terminal, as man and click do. */
export const DEFAULT_HELP_WIDTH = 80;
/** The option column never takes more than this; a longer flag puts its description on the next line. */
const MAX_TERM_WIDTH = 26;

export interface HelpSource {
  readonly usage: string;
  readonly summary: string;
  /** Paragraphs, headings ("Options:") and two-column entries, as commands write them. */
  readonly help: string;
  /** What to type for common tasks, each with what it does. */
  readonly examples?: ReadonlyArray<readonly [what: string, commandLine: string]>;
}

type Block =
  | { readonly kind: 'paragraph'; text: string }
  | { readonly kind: 'heading'; readonly text: string }
  /** A blank line: what follows starts a new paragraph or list. */
  | { readonly kind: 'break' }
  | { readonly kind: 'entries'; readonly entries: Array<{ term: string; description: string }> };

/** The help of one command, `width` columns wide; `program` is how the user runs it (`npx twarc-cloud`). */
export function formatHelp(source: HelpSource, width: number, program: string): string {
  const named = (text: string): string => text.replace(/(^|\s)twarc-cloud(?= )/g, `$1${program}`);
  const lines = [...hanging('Usage: ', named(source.usage), width), '', ...wrap(source.summary, width), ''];
  const blocks = parseHelp(`${source.help.trimEnd()}\n  -h, --help   show this help\n`);
  for (const block of blocks) {
    if (block.kind === 'heading') lines.push(block.text);
    else if (block.kind === 'paragraph') lines.push(...wrap(block.text, width), '');
    else if (block.kind === 'entries') lines.push(...twoColumns(block.entries, width), '');
  }
  if (source.examples && source.examples.length > 0) {
    lines.push('Examples:');
    for (const [what, commandLine] of source.examples) {
      lines.push(...wrap(what, width, '  '), ...hanging('    $ ', named(commandLine), width, '        '));
    }
    lines.push('');
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** Two columns of names and what they are, for the overview's list of commands as for options. */
export function twoColumns(entries: ReadonlyArray<{ term: string; description: string }>, width: number): string[] {
  const fitting = entries.map((e) => e.term.length).filter((n) => n <= MAX_TERM_WIDTH);
  const column = 2 + Math.max(0, ...fitting) + 2;
  return entries.flatMap(({ term, description }) => {
    const text = withDefaultInBrackets(description);
    const body = wrap(text, width, ' '.repeat(column));
    if (term.length + 4 > column) return [`  ${term}`, ...body];
    const [first = '', ...rest] = body;
    return [`  ${term.padEnd(column - 2)}${first.slice(column)}`, ...rest];
  });
}

function parseHelp(help: string): Block[] {
  const blocks: Block[] = [];
  const last = (): Block | undefined => blocks.at(-1);
  for (const line of help.split('\n')) {
    const entry = /^ {2}(\S(?:.*?\S)?) {2,}(\S.*)$/.exec(line);
    const current = last();
    if (line.trim() === '') {
      // A blank line ends a paragraph or a list of entries.
      if (current !== undefined && current.kind !== 'break') blocks.push({ kind: 'break' });
    } else if (/^ {3,}\S/.test(line) && current?.kind === 'entries') {
      const previous = current.entries.at(-1);
      if (previous) previous.description += ` ${line.trim()}`;
    } else if (entry?.[1] !== undefined && entry[2] !== undefined) {
      const item = { term: entry[1], description: entry[2] };
      if (current?.kind === 'entries') current.entries.push(item);
      else blocks.push({ kind: 'entries', entries: [item] });
    } else if (/^\S[^.]*:$/.test(line)) {
      blocks.push({ kind: 'heading', text: line });
    } else if (current?.kind === 'paragraph') {
      current.text += ` ${line.trim()}`;
    } else {
      blocks.push({ kind: 'paragraph', text: line.trim() });
    }
  }
  return blocks;
}

/**
 * Moves a default out of the description's prose to its end, as `[default: ...]`: "(default: X)",
 * "(default X)", "(default X; more)", "(...; default X)" and "X (default)" all read the same.
 */
export function withDefaultInBrackets(description: string): string {
  let value: string | undefined;
  let text = description.replace(/\s*\(default:? ([^;()]*(?:\([^()]*\)[^;()]*)*)\)/, (_, v: string) => {
    value = v;
    return '';
  });
  if (value === undefined)
    text = text.replace(/\(default:? ([^;()]*); ([^()]*)\)/, (_, v: string, rest: string) => {
      value = v;
      return `(${rest})`;
    });
  if (value === undefined)
    text = text.replace(/; default:? ([^;()]*)\)/, (_, v: string) => {
      value = v;
      return ')';
    });
  if (value === undefined)
    text = text.replace(/(\S+) \(default\)/, (_, v: string) => {
      value = v;
      return v;
    });
  return value === undefined ? text : `${text.trimEnd()} [default: ${value.trim()}]`;
}

/** Words wrapped to `width`, each line starting with `indent`. A word longer than a line stands alone. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > indent.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
    }
    line += line.length > indent.length ? ` ${word}` : word;
  }
  if (line.length > indent.length) lines.push(line);
  return lines;
}

/**
 * A usage or command line after `lead`, wrapped between its parts (an optional `[...]` or a choice
 * `<...>` is never cut), later lines indented under the command's first argument.
 */
function hanging(lead: string, text: string, width: number, indent?: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let part = '';
  for (const ch of text) {
    if (ch === ' ' && depth === 0) {
      if (part !== '') parts.push(part);
      part = '';
      continue;
    }
    if (ch === '[' || ch === '<') depth += 1;
    if ((ch === ']' || ch === '>') && depth > 0) depth -= 1;
    part += ch;
  }
  if (part !== '') parts.push(part);
  const head = parts.slice(0, 2).join(' ');
  const under = indent ?? ' '.repeat(Math.min(lead.length + head.length + 1, Math.floor(width / 2)));
  const lines: string[] = [];
  let line = `${lead}${head}`;
  for (const p of parts.slice(2)) {
    if (line.length + 1 + p.length > width && line.trim().length > 0) {
      lines.push(line);
      // A part too long to stand under the first argument stands closer to the margin.
      line = `${under.length + p.length > width ? '    ' : under}${p}`;
    } else line += ` ${p}`;
  }
  lines.push(line);
  return lines;
}
