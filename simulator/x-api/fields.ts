/*
 * The fields and expansions X API v2 accepts, as its OpenAPI description (api.x.com/2/openapi.json,
 * parameters TweetFieldsParameter, UserFieldsParameter, ... TweetExpansionsParameter,
 * UserExpansionsParameter) lists them in 2026, and what it returns for them: only the fields
 * asked for besides each object's defaults, and `includes` only for the expansions asked for.
 * Kept apart from the harvester's own lists on purpose: the fake is a claim about X, not a copy
 * of what the client sends.
 */

export const TWEET_FIELDS = [
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'text',
  'withheld',
];

export const USER_FIELDS = [
  'affiliation',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
];

export const MEDIA_FIELDS = [
  'alt_text',
  'duration_ms',
  'height',
  'media_key',
  'non_public_metrics',
  'organic_metrics',
  'preview_image_url',
  'promoted_metrics',
  'public_metrics',
  'type',
  'url',
  'variants',
  'width',
];

export const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'];
export const PLACE_FIELDS = ['contained_within', 'country', 'country_code', 'full_name', 'geo', 'id', 'name', 'place_type'];

export const TWEET_EXPANSIONS = [
  'article.cover_media',
  'article.media_entities',
  'attachments.media_keys',
  'attachments.media_source_tweet',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'entities.mentions.username',
  'entities.note.mentions.username',
  'geo.place_id',
  'in_reply_to_user_id',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
];

export const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'];

/** Fields every object carries whether asked for or not (X's "default fields"). */
const DEFAULTS = {
  tweet: ['id', 'text', 'edit_history_tweet_ids'],
  user: ['id', 'name', 'username'],
  media: ['media_key', 'type'],
  place: ['id', 'full_name'],
  poll: ['id', 'options'],
} as const;

export type ObjectKind = keyof typeof DEFAULTS;

/** What a request asked to see: the fields of each object kind and the expansions. */
export class Projection {
  private readonly fields: Record<ObjectKind, ReadonlySet<string>>;
  readonly expansions: ReadonlySet<string>;

  constructor(query: URLSearchParams) {
    const listed = (name: string): string[] => (query.get(name) ?? '').split(',').filter((v) => v !== '');
    const withDefaults = (kind: ObjectKind, name: string): ReadonlySet<string> => new Set([...DEFAULTS[kind], ...listed(name)]);
    this.fields = {
      tweet: withDefaults('tweet', 'tweet.fields'),
      user: withDefaults('user', 'user.fields'),
      media: withDefaults('media', 'media.fields'),
      place: withDefaults('place', 'place.fields'),
      poll: withDefaults('poll', 'poll.fields'),
    };
    this.expansions = new Set(listed('expansions'));
  }

  wants(kind: ObjectKind, field: string): boolean {
    return this.fields[kind].has(field);
  }

  /** The object with only the fields asked for; the same object when nothing is left out. */
  of(kind: ObjectKind, object: Record<string, unknown>): Record<string, unknown> {
    const fields = this.fields[kind];
    let omitted = false;
    for (const key in object)
      if (!fields.has(key)) {
        omitted = true;
        break;
      }
    if (!omitted) return object;
    const shown: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) if (fields.has(key)) shown[key] = value;
    return shown;
  }
}

/** A query asking for every expansion of tweets and every field of every object. */
export function everyField(): URLSearchParams {
  return new URLSearchParams({
    expansions: TWEET_EXPANSIONS.join(','),
    'tweet.fields': TWEET_FIELDS.join(','),
    'user.fields': USER_FIELDS.join(','),
    'media.fields': MEDIA_FIELDS.join(','),
    'place.fields': PLACE_FIELDS.join(','),
    'poll.fields': POLL_FIELDS.join(','),
  });
}
