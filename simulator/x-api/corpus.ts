/*
 * Generated users and tweets with the field shapes X API v2 returns for the fields and
 * expansions twarc2 requests by default, so that harvested files exercise real readers
 * (twarc2 flatten, twarc-csv), and text as people write it: emoji, line breaks, quotes and
 * right-to-left scripts; about one post in 90 is long (up to X's 25,000 characters), its whole
 * text in `note_tweet` as X serves it. Deterministic for a seed and a start time; cheap enough to
 * serve a million tweets.
 */

import { seededRandom } from './seeded-random.js';
import { Projection, everyField } from './fields.js';
import { DEMO_MARK, mediaObject, placeObject, userObject, type FakeUser, type UserCondition } from './objects.js';
import { ANNOTATIONS, SITES } from './sample-data.js';
import {
  codePoints,
  firstCodePoints,
  longContinuation,
  longPostLength,
  randomToken,
  sampleText,
  SHORT_POST_LENGTH,
  wordsFrom,
} from './text.js';

/** What twarc2 asks for: every expansion, every field of every object. */
const EVERYTHING = new Projection(everyField());

/** X's snowflake epoch: ids encode their creation time, so newer tweets have larger ids. */
const TWITTER_EPOCH = 1288834974657n;

/** When a tweet was created (epoch ms), read from its id as X's snowflake scheme encodes it. */
export function tweetTime(id: string): number {
  return Number((BigInt(id) >> 22n) + TWITTER_EPOCH);
}

export type { FakeUser, UserCondition } from './objects.js';

export interface FakeTweet {
  readonly id: string;
  readonly authorId: string;
  /** Epoch milliseconds, as the id encodes it. */
  readonly createdAt: number;
  /** The raw API object, with the default twarc2 fields. */
  readonly json: Record<string, unknown>;
  /** Ids of tweets and users this one references, for building `includes`. */
  readonly referencedTweetIds: readonly string[];
  readonly mentionedUserIds: readonly string[];
  readonly mediaKeys: readonly string[];
  readonly placeId?: string;
}

export interface CorpusOptions {
  readonly seed?: number;
  readonly users?: number;
  /** Tweets in each user's timeline, by user index. */
  readonly tweetsPerUser?: (index: number) => number;
  /** Tweets any search query matches. */
  readonly searchTweets?: number;
  /** Indexes of users in a non-ok condition. */
  readonly conditions?: Readonly<Record<number, UserCondition>>;
  /**
   * When the first tweet was made (epoch ms). The default, six days ago, keeps a test's tweets
   * inside recent search's 7-day window.
   */
  readonly startTime?: number;
  /** The most time between two consecutive tweets beyond the first second (default one minute). */
  readonly spacingMs?: number;
  /** The longest post in characters (default X's 25,000; 280 or less: no long posts). */
  readonly longestPost?: number;
  /** Mark every post, account, media item and place as demo data (`twarc-cloud demo`), so none is ever mistaken for X's. */
  readonly demo?: boolean;
}

export class Corpus {
  readonly users: FakeUser[] = [];
  /**
   * With a stream plan's `searchable`: every post the stream matched (delivered or not) and the
   * values of the rules it matched, which a search with those rules finds, as on X.
   */
  readonly streamMatched: Array<{ readonly tweet: FakeTweet; readonly rules: readonly string[] }> = [];
  /** Posts deleted since they were made: the lookup no longer serves them. */
  readonly deleted = new Set<string>();
  private readonly usersById = new Map<string, FakeUser>();
  private readonly tweetsById = new Map<string, FakeTweet>();
  /** Each user's timeline, oldest first. */
  private readonly timelines = new Map<string, FakeTweet[]>();
  /** The tweets every search matches, oldest first. */
  readonly searchable: FakeTweet[] = [];
  private readonly random: () => number;
  private clock: bigint;
  private sequence = 0n;
  private readonly spacingMs: number;
  private readonly longestPost: number | undefined;
  private readonly demo: boolean;
  /** Tweets that live tweets reply to and quote. */
  private referencePool: FakeTweet[] | undefined;

  constructor(options: CorpusOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.clock = BigInt(Math.floor(options.startTime ?? Date.now() - 6 * 24 * 3_600_000));
    this.spacingMs = options.spacingMs ?? 60_000;
    this.longestPost = options.longestPost;
    this.demo = options.demo === true;
    const userCount = options.users ?? 10;
    for (let index = 0; index < userCount; index += 1) {
      const id = String(1_000_000 + index * 7919);
      const user: FakeUser = {
        id,
        username: this.demo ? `demo_user_${index}` : `user_${index}`,
        name: this.demo ? `Demo researcher ${index}` : `Researcher ${index}`,
        condition: options.conditions?.[index] ?? 'ok',
        createdAt: '2015-06-01T12:00:00.000Z',
        ...(this.demo ? { demo: true as const } : {}),
      };
      this.users.push(user);
      this.usersById.set(id, user);
      this.timelines.set(id, []);
    }
    for (let index = 0; index < userCount; index += 1) {
      const user = this.users[index];
      if (user) this.addTimelineTweets(user.id, options.tweetsPerUser?.(index) ?? 30);
    }
    this.addSearchTweets(options.searchTweets ?? 0);
  }

  user(id: string): FakeUser | undefined {
    return this.usersById.get(id);
  }

  userByName(username: string): FakeUser | undefined {
    const wanted = username.toLowerCase();
    return this.users.find((u) => u.username.toLowerCase() === wanted);
  }

  tweet(id: string): FakeTweet | undefined {
    return this.tweetsById.get(id);
  }

  /** A user's timeline, newest first, as the API pages it. */
  timeline(userId: string): readonly FakeTweet[] {
    return [...(this.timelines.get(userId) ?? [])].reverse();
  }

  /** The posts of timelines and searches that mention a user, newest first. */
  mentionsOf(userId: string): readonly FakeTweet[] {
    const all = [...[...this.timelines.values()].flat(), ...this.searchable];
    return all.filter((t) => t.mentionedUserIds.includes(userId)).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  }

  /** The posts of timelines and searches in the given conversations, newest first (what `conversation_id:` finds). */
  inConversations(conversationIds: readonly string[]): readonly FakeTweet[] {
    const wanted = new Set(conversationIds);
    const all = [...[...this.timelines.values()].flat(), ...this.searchable];
    return all.filter((t) => wanted.has(String(t.json['conversation_id']))).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  }

  /** X lists: their members' ids, by list id. */
  readonly lists = new Map<string, string[]>();

  /** A list of these members; returns its id. */
  addList(memberIds: readonly string[]): string {
    const id = String(1_600_000_000_000_000_000n + BigInt(this.lists.size + 1));
    this.lists.set(id, [...memberIds]);
    return id;
  }

  /** A list's posts: its members' posts, newest first. */
  listTweets(listId: string): readonly FakeTweet[] {
    const members = this.lists.get(listId) ?? [];
    return members.flatMap((id) => this.timelines.get(id) ?? []).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  }

  /** The posts of timelines and searches that quote a post, newest first. */
  quotesOf(id: string): readonly FakeTweet[] {
    const all = [...[...this.timelines.values()].flat(), ...this.searchable];
    const quotes = (t: FakeTweet): boolean =>
      ((t.json['referenced_tweets'] ?? []) as Array<{ type: string; id: string }>).some((r) => r.type === 'quoted' && r.id === id);
    return all.filter(quotes).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  }

  /** Replies to a thread, by users of the corpus in turn, each to the thread's post before it, kept in their timelines. */
  addReplies(toId: string, count: number): FakeTweet[] {
    let parent = this.tweetsById.get(toId);
    if (!parent) throw new Error(`no such fake tweet ${toId}`);
    const added: FakeTweet[] = [];
    for (let i = 0; i < count; i += 1) {
      const author = this.users[i % this.users.length];
      const timeline = author ? this.timelines.get(author.id) : undefined;
      if (!author || !timeline) throw new Error('replies need users');
      const reply: FakeTweet = this.makeTweet(author.id, timeline, true, parent);
      timeline.push(reply);
      added.push(reply);
      parent = reply;
    }
    return added;
  }

  addTimelineTweets(userId: string, count: number): FakeTweet[] {
    const timeline = this.timelines.get(userId);
    if (!timeline) throw new Error(`no such fake user ${userId}`);
    const added: FakeTweet[] = [];
    for (let i = 0; i < count; i += 1) {
      const tweet = this.makeTweet(userId, timeline);
      timeline.push(tweet);
      added.push(tweet);
    }
    return added;
  }

  addSearchTweets(count: number): FakeTweet[] {
    const added: FakeTweet[] = [];
    for (let i = 0; i < count; i += 1) {
      const author = this.users[Math.floor(this.random() * this.users.length)];
      if (!author) throw new Error('a search corpus needs users');
      const tweet = this.makeTweet(author.id, this.searchable);
      this.searchable.push(tweet);
      added.push(tweet);
    }
    return added;
  }

  /** A fresh id, later than every id before it, as the snowflake scheme makes them. */
  nextId(): { id: string; createdAt: string } {
    this.clock += 1000n + BigInt(Math.floor(this.random() * this.spacingMs));
    this.sequence = (this.sequence + 1n) % 4096n;
    const id = ((this.clock - TWITTER_EPOCH) << 22n) | this.sequence;
    return { id: id.toString(), createdAt: new Date(Number(this.clock)).toISOString() };
  }

  /** A count skewed towards small numbers, as engagement is. */
  private count(most: number): number {
    return Math.floor(most * this.random() ** 3);
  }

  /** The `includes` object for a page of tweets: what the expansions asked for, with the fields asked for. */
  includesFor(tweets: readonly FakeTweet[], projection: Projection): Record<string, unknown[]> {
    const expands = (name: string): boolean => projection.expansions.has(name);
    const userIds = new Set<string>();
    const tweetIds = new Set<string>();
    const media: Array<Record<string, unknown>> = [];
    const places = new Set<string>();
    for (const tweet of tweets) {
      if (expands('author_id')) userIds.add(tweet.authorId);
      if (expands('in_reply_to_user_id')) {
        const replied = tweet.json['in_reply_to_user_id'];
        if (typeof replied === 'string') userIds.add(replied);
      }
      if (expands('entities.mentions.username')) for (const id of tweet.mentionedUserIds) userIds.add(id);
      if (expands('referenced_tweets.id')) for (const id of tweet.referencedTweetIds) tweetIds.add(id);
      if (expands('attachments.media_keys')) for (const key of tweet.mediaKeys) media.push(mediaObject(key, this.demo));
      if (expands('geo.place_id') && tweet.placeId !== undefined) places.add(tweet.placeId);
    }
    const referenced = [...tweetIds].map((id) => this.tweetsById.get(id)).filter((t): t is FakeTweet => t !== undefined);
    if (expands('referenced_tweets.id.author_id')) for (const tweet of referenced) userIds.add(tweet.authorId);
    const includes: Record<string, unknown[]> = {};
    const users = [...userIds].map((id) => this.usersById.get(id)).filter((u): u is FakeUser => u !== undefined);
    if (users.length > 0) includes['users'] = users.map((u) => projection.of('user', userObject(u)));
    if (referenced.length > 0) includes['tweets'] = referenced.map((t) => projection.of('tweet', t.json));
    if (media.length > 0) includes['media'] = media.map((m) => projection.of('media', m));
    if (places.size > 0) includes['places'] = [...places].map((id) => projection.of('place', placeObject(id, this.demo)));
    return includes;
  }

  /**
   * A tweet as the stream delivers one, with its `includes` for every expansion twarc2 asks for:
   * made fresh and not kept (a stream serves millions), replying to and quoting tweets of a small
   * kept pool, so that its includes carry referenced tweets as real ones do.
   */
  liveTweet(authorId: string): {
    readonly json: Record<string, unknown>;
    readonly includes: Record<string, unknown[]>;
    readonly tweet: FakeTweet;
  } {
    const pool = (this.referencePool ??= Array.from({ length: 20 }, () => this.makeTweet(authorId, this.referencePool ?? [])));
    const tweet = this.makeTweet(authorId, pool);
    const live = { json: tweet.json, includes: this.includesFor([tweet], EVERYTHING), tweet };
    // Live tweets reply to and quote recent ones, as on X: the pool rolls, and only it is kept.
    const slot = Math.floor(this.random() * pool.length);
    const evicted = pool[slot];
    if (evicted) this.tweetsById.delete(evicted.id);
    pool[slot] = tweet;
    return live;
  }

  private makeTweet(authorId: string, siblings: readonly FakeTweet[], keep = true, replyTo?: FakeTweet): FakeTweet {
    const { id, createdAt } = this.nextId();
    const n = Number(BigInt(id) % 1000n);
    const mentioned = n % 5 === 0 ? this.users[n % this.users.length] : undefined;
    const repliedTo = replyTo ?? (n % 7 === 0 ? siblings[siblings.length - 1] : undefined);
    const quoted = n % 13 === 0 && siblings.length > 1 ? siblings[0] : undefined;
    const mediaKeys = n % 11 === 0 ? [`3_${id}`] : [];
    const placeId = n % 17 === 0 ? '01a9a39529b27f36' : undefined;
    const mentionText = mentioned ? `@${mentioned.username} ` : '';
    const link = `https://t.co/${randomToken(this.random, 10)}`;
    const target = `https://${SITES[n % SITES.length] ?? 'example.org'}/${randomToken(this.random, 6)}/${randomToken(this.random, 4 + (n % 9))}`;
    const text = `${mentionText}${sampleText(n)} ${wordsFrom(this.random, 4 + Math.floor(this.random() * 14))} on #climate data, see ${link}`;
    // Entity offsets count code points, as X's do, not UTF-16 units.
    const hashtagStart = codePoints(text.slice(0, text.indexOf('#climate')));
    const urlStart = codePoints(text.slice(0, text.indexOf('https://')));
    const entities: Record<string, unknown> = {
      hashtags: [{ start: hashtagStart, end: hashtagStart + 8, tag: 'climate' }],
      urls: [
        {
          start: urlStart,
          end: codePoints(text),
          url: link,
          expanded_url: target,
          display_url: target.slice('https://'.length, 'https://'.length + 26) + (target.length > 34 ? '…' : ''),
          unwound_url: target,
        },
      ],
    };
    if (mentioned)
      entities['mentions'] = [{ start: 0, end: mentioned.username.length + 1, username: mentioned.username, id: mentioned.id }];
    const referenced: Array<{ type: string; id: string }> = [];
    if (repliedTo) referenced.push({ type: 'replied_to', id: repliedTo.id });
    if (quoted) referenced.push({ type: 'quoted', id: quoted.id });
    // A long post: X's `text` holds its first 280 characters, `note_tweet` the whole and its entities.
    const longLength = longPostLength(n, this.longestPost);
    const whole = longLength === undefined ? text : longContinuation(id, text, longLength);
    const json: Record<string, unknown> = {
      id,
      text: longLength === undefined ? text : firstCodePoints(whole, SHORT_POST_LENGTH),
      display_text_range: [0, Math.min(codePoints(whole), SHORT_POST_LENGTH)],
      author_id: authorId,
      // A thread's posts all carry its first post's id, as X's do.
      conversation_id: repliedTo ? (repliedTo.json['conversation_id'] ?? repliedTo.id) : id,
      created_at: createdAt,
      lang: 'en',
      possibly_sensitive: false,
      reply_settings: 'everyone',
      edit_history_tweet_ids: [id],
      edit_controls: {
        edits_remaining: 5,
        is_edit_eligible: true,
        editable_until: new Date(Date.parse(createdAt) + 3_600_000).toISOString(),
      },
      public_metrics: {
        retweet_count: this.count(40),
        reply_count: this.count(12),
        like_count: this.count(900),
        quote_count: this.count(6),
        bookmark_count: this.count(9),
        impression_count: this.count(60_000),
      },
      entities,
      context_annotations: ANNOTATIONS.slice(n % ANNOTATIONS.length, (n % ANNOTATIONS.length) + 1 + (n % 3)),
    };
    if (longLength !== undefined) json['note_tweet'] = { text: whole, entities };
    if (this.demo) json['source'] = DEMO_MARK;
    if (repliedTo) json['in_reply_to_user_id'] = repliedTo.authorId;
    if (referenced.length > 0) json['referenced_tweets'] = referenced;
    if (mediaKeys.length > 0) json['attachments'] = { media_keys: mediaKeys };
    if (placeId !== undefined) json['geo'] = { place_id: placeId };
    const tweet: FakeTweet = {
      id,
      authorId,
      createdAt: Date.parse(createdAt),
      json,
      referencedTweetIds: referenced.map((r) => r.id),
      mentionedUserIds: mentioned ? [mentioned.id] : [],
      mediaKeys,
      ...(placeId !== undefined ? { placeId } : {}),
    };
    if (keep) this.tweetsById.set(id, tweet);
    return tweet;
  }
}
