/*
 * Text for the fake's tweets and profiles: openings with the characters real text carries (emoji,
 * line breaks, quotes, right-to-left scripts), running words from a made-up vocabulary, and
 * lengths counted as X counts them. Deterministic, as the corpus is.
 */

import { seededRandom } from './seeded-random.js';

/** Made-up words (syllables of several scripts) for running text: 4,096 of them, the same on every run. */
const VOCABULARY: readonly string[] = (() => {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ren',
    'sul',
    'tha',
    'vo',
    'qui',
    'zer',
    'ny',
    'ба',
    'ми',
    'ش',
    'لا',
    'ש',
    'ל',
    'é',
    'ü',
    'ça',
    'ñu',
    'の',
    'か',
  ];
  const random = seededRandom(7);
  return Array.from({ length: 4096 }, () => {
    const parts = 1 + Math.floor(random() * 4);
    let word = '';
    for (let i = 0; i < parts; i += 1) word += syllables[Math.floor(random() * syllables.length)] ?? '';
    return word;
  });
})();

/** Openings of tweet text, chosen by the tweet's number: the characters real text carries. */
const OPENINGS = [
  '',
  '🌍🔥 ',
  '"Quoted," she said \'twice\' ',
  'First line\nsecond line\r\n',
  'تغير المناخ ',
  'שינוי אקלים — ',
  '👩🏽‍🔬 Zürich: ',
  'Tab\tand backslash \\ ',
];

/** Text for tweet number n: a varied opening, then words a search would match. */
export function sampleText(n: number): string {
  return `${OPENINGS[n % OPENINGS.length] ?? ''}Field notes ${n}`;
}

/** Words for an object that must read the same every time it is served (a user's profile). */
export function wordsOf(seed: string, count: number): string {
  return wordsFrom(seededRandom(Number(BigInt(seed) % 4294967291n)), count);
}

/**
 * `count` words of running text, as varied as people's: real twarc2 files compress about 8-12:1,
 * templated text 30:1.
 */
export function wordsFrom(random: () => number, count: number): string {
  const words: string[] = [];
  for (let i = 0; i < count; i += 1) words.push(VOCABULARY[Math.floor(random() * VOCABULARY.length)] ?? '');
  return words.join(' ');
}

const TOKEN_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random letters and digits: the codes of t.co links, media file names, image hashes. */
export function randomToken(random: () => number, length: number): string {
  let token = '';
  for (let i = 0; i < length; i += 1) token += TOKEN_CHARACTERS[Math.floor(random() * TOKEN_CHARACTERS.length)] ?? 'x';
  return token;
}

/** Characters as X counts them in offsets and limits: code points, not UTF-16 units. */
export function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    // A high surrogate and the low one after it are one code point.
    if (unit < 0xd800 || unit > 0xdbff) count += 1;
  }
  return count;
}

/** The most characters X keeps in a post's `text`; a longer post keeps the rest in `note_tweet` only. */
export const SHORT_POST_LENGTH = 280;

/**
 * Whether post number n is long, and how long (code points): about one post in 90, from just over
 * 280 characters to `longest` (X's 25,000).
 */
export function longPostLength(n: number, longest = LONGEST_POST): number | undefined {
  if (n % 97 !== 0 || longest <= SHORT_POST_LENGTH) return undefined;
  return SHORT_POST_LENGTH + 1 + ((n * 7919) % (longest - SHORT_POST_LENGTH));
}

/** The longest post X allows (a Premium account's). */
export const LONGEST_POST = 25_000;

/**
 * More paragraphs of a long post after its opening `text`, to `length` code points in all:
 * running words with emoji and line breaks, the same for the same seed.
 */
export function longContinuation(seed: string, text: string, length: number): string {
  const random = seededRandom(Number(BigInt(seed) % 4294967291n));
  let full = text;
  let count = codePoints(text);
  const marks = ['\n\n', ' 🌊 ', '\n', ' 🧪📈 ', ' — '];
  while (count < length) {
    const piece = `${marks[Math.floor(random() * marks.length)] ?? ' '}${wordsFrom(random, 6 + Math.floor(random() * 30))}`;
    full += piece;
    count += codePoints(piece);
  }
  return Array.from(full).slice(0, length).join('');
}

/** The first `count` code points of `text`. */
export function firstCodePoints(text: string, count: number): string {
  return Array.from(text).slice(0, count).join('');
}
