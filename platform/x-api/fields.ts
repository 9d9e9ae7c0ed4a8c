/*
 * What the harvester asks X for: every field and expansion that X's OpenAPI description
 * (api.x.com/2/openapi.json: TweetFieldsParameter, UserFieldsParameter, MediaFieldsParameter,
 * PollFieldsParameter, PlaceFieldsParameter, TweetExpansionsParameter, UserExpansionsParameter;
 * read 2026-12) lists for the endpoints it calls, less the few that need a user's own
 * authorization. Asking for everything is what keeps data whole: the full text of a post over
 * 280 characters is only in `note_tweet`, which twarc2's 2022 default list (and ours, until
 * 2026-12) did not ask for, so long posts were stored cut.
 *
 * test/platform/x-api-fields.test.ts derives these lists from the fake X API's own copy of the
 * OpenAPI lists less FIELD_EXCLUSIONS, and fails when the two differ.
 */

export type FieldParameter = 'tweet.fields' | 'user.fields' | 'media.fields' | 'poll.fields' | 'place.fields';

/**
 * Fields X lists that the harvester does not ask for, each with its reason: all need OAuth user
 * context for the author's own posts or describe the authenticating user's relation to an
 * account, so on the app-only bearer token searches and streams use they fail the request, and on
 * a user's token they describe that user, not the collection.
 */
export const FIELD_EXCLUSIONS: Readonly<Record<FieldParameter, Readonly<Record<string, string>>>> = {
  'tweet.fields': {
    non_public_metrics: "private metrics: only the author's own user-context token may read them",
    organic_metrics: "private metrics: only the author's own user-context token may read them",
    promoted_metrics: "private metrics of promoted posts: only the author's own user-context token may read them",
  },
  'user.fields': {
    connection_status: 'how the account relates to the authenticating user (follows, blocks); needs user context',
    receives_your_dm: 'whether the account takes direct messages from the authenticating user; needs user context',
    subscription: 'whether the account subscribes to the authenticating user; needs user context',
  },
  'media.fields': {
    non_public_metrics: "private metrics: only the author's own user-context token may read them",
    organic_metrics: "private metrics: only the author's own user-context token may read them",
    promoted_metrics: "private metrics of promoted posts: only the author's own user-context token may read them",
  },
  'poll.fields': {},
  'place.fields': {},
};

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
  'note_tweet',
  'possibly_sensitive',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'text',
  'withheld',
] as const;

export const USER_FIELDS = [
  'affiliation',
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
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
] as const;

export const MEDIA_FIELDS = [
  'alt_text',
  'duration_ms',
  'height',
  'media_key',
  'preview_image_url',
  'public_metrics',
  'type',
  'url',
  'variants',
  'width',
] as const;

export const POLL_FIELDS = ['duration_minutes', 'end_datetime', 'id', 'options', 'voting_status'] as const;
export const PLACE_FIELDS = ['contained_within', 'country', 'country_code', 'full_name', 'geo', 'id', 'name', 'place_type'] as const;

/** Expansions of endpoints that return posts (timelines, searches, the stream): all of them. */
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
] as const;

/** Expansions of user look-ups: all of them (the posts they expand are few: one pinned, one most recent). */
export const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'] as const;

/** For endpoints that return posts: timelines, searches, the stream. */
export const TWEET_EVERYTHING: Readonly<Record<string, string>> = {
  expansions: TWEET_EXPANSIONS.join(','),
  'tweet.fields': TWEET_FIELDS.join(','),
  'user.fields': USER_FIELDS.join(','),
  'media.fields': MEDIA_FIELDS.join(','),
  'poll.fields': POLL_FIELDS.join(','),
  'place.fields': PLACE_FIELDS.join(','),
};

/** For user look-ups, whose expansions are posts and users. */
export const USER_EVERYTHING: Readonly<Record<string, string>> = {
  expansions: USER_EXPANSIONS.join(','),
  'tweet.fields': TWEET_FIELDS.join(','),
  'user.fields': USER_FIELDS.join(','),
};

/**
 * twarc-csv (0.7.2) skips a whole batch of posts when one carries a column it does not know, and
 * X returns fields twarc-csv's 2022 column list lacks once they are asked for. Its own remedy is
 * `twarc2 csv --extra-input-columns <these>`: the columns the fields above add to a flattened
 * post and its inlined author (docs/decisions.md, "twarc-csv and the fields of 2026").
 */
export const TWARC_CSV_EXTRA_INPUT_COLUMNS = [
  'display_text_range',
  'note_tweet.text',
  'note_tweet.entities.cashtags',
  'note_tweet.entities.hashtags',
  'note_tweet.entities.mentions',
  'note_tweet.entities.urls',
  'card_uri',
  'community_id',
  'media_metadata',
  'scopes.followers',
  'article.title',
  'article.preview_text',
  'article.cover_media',
  'article.media_entities',
  'author.affiliation.badge_url',
  'author.affiliation.description',
  'author.affiliation.url',
  'author.affiliation.user_id',
  'author.is_identity_verified',
  'author.most_recent_tweet_id',
  'author.parody',
  'author.profile_banner_url',
  'author.subscription_type',
  'author.verified_followers_count',
] as const;
