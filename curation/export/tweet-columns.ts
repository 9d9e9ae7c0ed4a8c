/*
 * One row per tweet, its expansions resolved from its own page's `includes`, in twarc-csv's
 * columns (DataFrameConverter's DEFAULT_TWEET_COLUMNS, twarc-csv 0.7.2), in its order, and their meaning: hashtags
 * as "#tag", mentions as "@name", urls expanded (a media link as displayed), a retweet carrying
 * the text, entities, attachments, annotations and metrics of the tweet it retweets, and the
 * usernames of the accounts replied to, retweeted and quoted. Where twarc-csv differs from what a
 * researcher needs, the data wins: a post over 280 characters has its whole text (X's
 * `note_tweet.text`) in `text`, and the hashtags, mentions, urls and cashtags of that whole text;
 * twarc-csv keeps the first 280 characters. `long_post`, after twarc-csv's columns, says which.
 */

type Json = Record<string, unknown>;

/** A tweet with what its page says about it. */
export interface TweetInPage {
  readonly t: Json;
  /** Its author. */
  readonly a: Json | undefined;
  /** The tweets it replies to, retweets and quotes, and their authors. */
  readonly rp: Json | undefined;
  readonly rt: Json | undefined;
  readonly qt: Json | undefined;
  readonly rpu: Json | undefined;
  readonly rtu: Json | undefined;
  readonly qtu: Json | undefined;
  readonly place: Json | undefined;
  readonly poll: Json | undefined;
  readonly media: Json[] | undefined;
  readonly twarc: Json | undefined;
  readonly rules: unknown;
}

export type CellKind = 'string' | 'integer' | 'boolean' | 'json';

export interface TweetColumn {
  readonly name: string;
  /** How CSV and JSON lines write it (twarc-csv's way: lists and objects as JSON text). */
  readonly kind: CellKind;
  readonly value: (row: TweetInPage) => unknown;
  /**
   * Its type in Parquet where that is more than its kind says: a time, or the JSON of a list or
   * objects as DuckDB's json_transform structure (a list of VARCHAR, of DOUBLE, of STRUCTs).
   */
  readonly parquet?: ParquetType;
}

export type ParquetType = { readonly time: true } | { readonly structure: string };

const at = (value: unknown, ...path: string[]): unknown => {
  let here = value;
  for (const key of path) here = typeof here === 'object' && here !== null ? (here as Json)[key] : undefined;
  return here;
};
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
/** A retweet shows what it retweets (twarc-csv's merge_retweets). */
const merged = (row: TweetInPage, field: string): unknown => (row.rt ? row.rt[field] : row.t[field]);
/** The post a row shows: the retweeted one for a retweet. */
const shown = (row: TweetInPage): Json => row.rt ?? row.t;
/** X keeps the whole text of a post over 280 characters, and its entities, only in `note_tweet`. */
const note = (row: TweetInPage): Json | undefined => {
  const value = shown(row)['note_tweet'];
  return typeof value === 'object' && value !== null && typeof (value as Json)['text'] === 'string' ? (value as Json) : undefined;
};
const wholeText = (row: TweetInPage): unknown => note(row)?.['text'] ?? shown(row)['text'];
/** Hashtags, mentions, urls and cashtags of the whole text; annotations stay with the post. */
const wholeEntities = (row: TweetInPage): unknown => note(row)?.['entities'] ?? shown(row)['entities'];
const tags = (entities: unknown, kind: string, prefix: string, field: string): string[] | undefined =>
  Array.isArray(at(entities, kind)) ? list(at(entities, kind)).map((e) => `${prefix}${String(e[field])}`) : undefined;
const urls = (entities: unknown): string[] | undefined =>
  Array.isArray(at(entities, 'urls'))
    ? list(at(entities, 'urls')).map((u) => String(u['media_key'] !== undefined ? u['display_url'] : (u['expanded_url'] ?? u['url'])))
    : undefined;

const profileUrls = (user: Json | undefined): string[] | undefined =>
  Array.isArray(at(user, 'entities', 'url', 'urls'))
    ? list(at(user, 'entities', 'url', 'urls')).map((u) => String(u['expanded_url'] ?? u['url']))
    : undefined;

const s = (name: string, value: (row: TweetInPage) => unknown): TweetColumn => ({ name, kind: 'string', value });
const n = (name: string, value: (row: TweetInPage) => unknown): TweetColumn => ({ name, kind: 'integer', value });
const b = (name: string, value: (row: TweetInPage) => unknown): TweetColumn => ({ name, kind: 'boolean', value });
const j = (name: string, value: (row: TweetInPage) => unknown): TweetColumn => ({ name, kind: 'json', value });
/** An ISO 8601 time: text in CSV, TIMESTAMP WITH TIME ZONE in Parquet. */
const time = (name: string, value: (row: TweetInPage) => unknown): TweetColumn => ({ ...s(name, value), parquet: { time: true } });
/** A list (of strings unless `of` says what): JSON text in CSV, as twarc-csv writes it; a list in Parquet. */
const listOf = (name: string, value: (row: TweetInPage) => unknown, of: unknown = 'VARCHAR'): TweetColumn => ({
  ...j(name, value),
  parquet: { structure: JSON.stringify([of]) },
});
const BIGINT = 'BIGINT';
const VARCHAR = 'VARCHAR';
const DOUBLE = 'DOUBLE';
/** The fields of X's objects that Parquet keeps as STRUCTs; others of theirs stay in the JSON lines. */
const ANNOTATION = { start: BIGINT, end: BIGINT, probability: DOUBLE, type: VARCHAR, normalized_text: VARCHAR };
const CONTEXT_PART = { id: VARCHAR, name: VARCHAR, description: VARCHAR };
const MEDIA = {
  media_key: VARCHAR,
  type: VARCHAR,
  url: VARCHAR,
  preview_image_url: VARCHAR,
  alt_text: VARCHAR,
  width: BIGINT,
  height: BIGINT,
  duration_ms: BIGINT,
  public_metrics: { view_count: BIGINT },
  variants: [{ bit_rate: BIGINT, content_type: VARCHAR, url: VARCHAR }],
};

export const TWEET_COLUMNS: readonly TweetColumn[] = [
  s('id', (r) => r.t['id']),
  s('conversation_id', (r) => r.t['conversation_id']),
  ...(['replied_to', 'retweeted', 'quoted'] as const).map((type) =>
    s(
      `referenced_tweets.${type}.id`,
      (r) =>
        list(r.t['referenced_tweets'])
          .filter((x) => x['type'] === type)
          .at(-1)?.['id'],
    ),
  ),
  s('author_id', (r) => r.t['author_id']),
  s('in_reply_to_user_id', (r) => r.t['in_reply_to_user_id']),
  s('in_reply_to_username', (r) => r.rpu?.['username']),
  s('retweeted_user_id', (r) => r.rt?.['author_id']),
  s('retweeted_username', (r) => r.rtu?.['username']),
  s('quoted_user_id', (r) => r.qt?.['author_id']),
  s('quoted_username', (r) => r.qtu?.['username']),
  time('created_at', (r) => r.t['created_at']),
  s('text', wholeText),
  s('lang', (r) => r.t['lang']),
  s('source', (r) => r.t['source']),
  ...['impression_count', 'reply_count', 'retweet_count', 'quote_count', 'like_count', 'bookmark_count'].map((m) =>
    n(`public_metrics.${m}`, (r) => at(merged(r, 'public_metrics'), m)),
  ),
  s('reply_settings', (r) => r.t['reply_settings']),
  listOf('edit_history_tweet_ids', (r) => r.t['edit_history_tweet_ids']),
  n('edit_controls.edits_remaining', (r) => at(r.t, 'edit_controls', 'edits_remaining')),
  time('edit_controls.editable_until', (r) => at(r.t, 'edit_controls', 'editable_until')),
  b('edit_controls.is_edit_eligible', (r) => at(r.t, 'edit_controls', 'is_edit_eligible')),
  b('possibly_sensitive', (r) => r.t['possibly_sensitive']),
  s('withheld.scope', (r) => at(r.t, 'withheld', 'scope')),
  b('withheld.copyright', (r) => at(r.t, 'withheld', 'copyright')),
  listOf('withheld.country_codes', (r) => at(r.t, 'withheld', 'country_codes')),
  listOf('entities.annotations', (r) => at(merged(r, 'entities'), 'annotations'), ANNOTATION),
  listOf('entities.cashtags', (r) => tags(wholeEntities(r), 'cashtags', '$', 'tag')),
  listOf('entities.hashtags', (r) => tags(wholeEntities(r), 'hashtags', '#', 'tag')),
  listOf('entities.mentions', (r) => tags(wholeEntities(r), 'mentions', '@', 'username')),
  listOf('entities.urls', (r) => urls(wholeEntities(r))),
  listOf('context_annotations', (r) => merged(r, 'context_annotations'), { domain: CONTEXT_PART, entity: CONTEXT_PART }),
  listOf('attachments.media', (r) => r.media, MEDIA),
  listOf('attachments.media_keys', (r) => at(merged(r, 'attachments'), 'media_keys')),
  n('attachments.poll.duration_minutes', (r) => r.poll?.['duration_minutes']),
  time('attachments.poll.end_datetime', (r) => r.poll?.['end_datetime']),
  s('attachments.poll.id', (r) => r.poll?.['id']),
  listOf('attachments.poll.options', (r) => r.poll?.['options'], { position: BIGINT, label: VARCHAR, votes: BIGINT }),
  s('attachments.poll.voting_status', (r) => r.poll?.['voting_status']),
  listOf('attachments.poll_ids', (r) => at(merged(r, 'attachments'), 'poll_ids')),
  s('author.id', (r) => r.a?.['id']),
  time('author.created_at', (r) => r.a?.['created_at']),
  s('author.username', (r) => r.a?.['username']),
  s('author.name', (r) => r.a?.['name']),
  s('author.description', (r) => r.a?.['description']),
  listOf('author.entities.description.cashtags', (r) => tags(at(r.a, 'entities', 'description'), 'cashtags', '$', 'tag')),
  listOf('author.entities.description.hashtags', (r) => tags(at(r.a, 'entities', 'description'), 'hashtags', '#', 'tag')),
  listOf('author.entities.description.mentions', (r) => tags(at(r.a, 'entities', 'description'), 'mentions', '@', 'username')),
  listOf('author.entities.description.urls', (r) => urls(at(r.a, 'entities', 'description'))),
  listOf('author.entities.url.urls', (r) => profileUrls(r.a)),
  s('author.url', (r) => profileUrls(r.a)?.at(-1) ?? r.a?.['url']),
  s('author.location', (r) => r.a?.['location']),
  s('author.pinned_tweet_id', (r) => r.a?.['pinned_tweet_id']),
  s('author.profile_image_url', (r) => r.a?.['profile_image_url']),
  b('author.protected', (r) => r.a?.['protected']),
  ...['followers_count', 'following_count', 'listed_count', 'tweet_count'].map((m) =>
    n(`author.public_metrics.${m}`, (r) => at(r.a, 'public_metrics', m)),
  ),
  b('author.verified', (r) => r.a?.['verified']),
  s('author.verified_type', (r) => r.a?.['verified_type']),
  s('author.withheld.scope', (r) => at(r.a, 'withheld', 'scope')),
  b('author.withheld.copyright', (r) => at(r.a, 'withheld', 'copyright')),
  listOf('author.withheld.country_codes', (r) => at(r.a, 'withheld', 'country_codes')),
  listOf('geo.coordinates.coordinates', (r) => at(r.t, 'geo', 'coordinates', 'coordinates'), DOUBLE),
  s('geo.coordinates.type', (r) => at(r.t, 'geo', 'coordinates', 'type')),
  s('geo.country', (r) => r.place?.['country']),
  s('geo.country_code', (r) => r.place?.['country_code']),
  s('geo.full_name', (r) => r.place?.['full_name']),
  listOf('geo.geo.bbox', (r) => at(r.place, 'geo', 'bbox'), DOUBLE),
  s('geo.geo.type', (r) => at(r.place, 'geo', 'type')),
  s('geo.id', (r) => r.place?.['id']),
  s('geo.name', (r) => r.place?.['name']),
  s('geo.place_id', (r) => at(r.t, 'geo', 'place_id')),
  s('geo.place_type', (r) => r.place?.['place_type']),
  listOf('matching_rules', (r) => r.rules, { id: VARCHAR, tag: VARCHAR }),
  time('__twarc.retrieved_at', (r) => r.twarc?.['retrieved_at']),
  s('__twarc.url', (r) => r.twarc?.['url']),
  s('__twarc.version', (r) => r.twarc?.['version']),
  // Beyond twarc-csv's columns, after them so that its readers find theirs where they were.
  b('long_post', (r) => note(r) !== undefined),
];

/** The columns after twarc-csv's own, which it does not write. */
export const COLUMNS_BEYOND_TWARC_CSV = ['long_post'] as const;

/** The tweets of one twarc2 line (a page or a stream message), each with its expansions from the line's includes. */
export function tweetsOfLine(line: Json): TweetInPage[] {
  const data = line['data'];
  const tweets = Array.isArray(data) ? (data as Json[]) : typeof data === 'object' && data !== null ? [data as Json] : [];
  if (tweets.length === 0) return [];
  const includes = (line['includes'] ?? {}) as Json;
  const index = (kind: string, key = 'id'): Map<unknown, Json> => new Map(list(includes[kind]).map((o) => [o[key], o]));
  const users = index('users');
  const referenced = index('tweets');
  const places = index('places');
  const polls = index('polls');
  const media = index('media', 'media_key');
  const twarc = line['__twarc'] as Json | undefined;
  return tweets.map((t) => {
    const ref = (type: string): Json | undefined => {
      const id = list(t['referenced_tweets'])
        .filter((x) => x['type'] === type)
        .at(-1)?.['id'];
      return id === undefined ? undefined : referenced.get(id);
    };
    const rp = ref('replied_to');
    const rt = ref('retweeted');
    const qt = ref('quoted');
    const mediaKeys = list(at(rt ?? t, 'attachments', 'media_keys')) as unknown[];
    const found = mediaKeys.map((key) => media.get(key)).filter((m): m is Json => m !== undefined);
    return {
      t,
      a: users.get(t['author_id']),
      rp,
      rt,
      qt,
      rpu: rp && users.get(rp['author_id']),
      rtu: rt && users.get(rt['author_id']),
      qtu: qt && users.get(qt['author_id']),
      place: places.get(at(t, 'geo', 'place_id')),
      poll: polls.get(list(at(t, 'attachments', 'poll_ids'))[0]),
      media: found.length > 0 ? found : undefined,
      twarc,
      rules: line['matching_rules'],
    };
  });
}
