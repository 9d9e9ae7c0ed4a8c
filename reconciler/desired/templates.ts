import type { CollectionType } from './collection.js';

/**
 * Commented starting points for `twarc-cloud new` (the original tool's `collection-config template`).
 * Each starts suspended, so a new file can be merged before it is ready, and validates as written.
 */
export function collectionTemplate(type: CollectionType, id: string, schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
# A twarc-cloud collection. Field reference: README.md ("The collection format").
id: ${id}  # must equal the file name
type: ${type}
description: Describe the purpose, project and contact for this collection.
# The credentials profile to harvest with: a name, never the secrets (see README, "Credentials").
credentials: default
# Starts suspended: nothing is harvested until you set this to active.
state: suspended
${BODIES[type]}
# Optional: how tweet files are cut (defaults shown).
# output:
#   tweets_per_file: 250000
#   rotate_minutes: 30
labels: {}
`;
}

const BODIES: Record<CollectionType, string> = {
  user_timeline: `# When to harvest (UTC), as an EventBridge expression: rate(1 day), rate(6 hours),
# or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 6 * * ? *).
schedule: rate(1 day)
# Accounts by user id (quote the id), with the screen name as a reminder.
users: {}
#   "2244994945":
#     screen_name: XDevelopers
#     note: optional free text
# Stop harvesting accounts found protected, suspended or not found (omit to keep them all).
delete_users_for: [suspended, not_found]`,
  search: `# An X API v2 search query (512 characters for recent search on self-serve access).
query: "(climate OR #climatechange) lang:en -is:retweet"
# false: the last 7 days (recent search); true: the full archive since 2006.
archive: false
# When to harvest (UTC), as an EventBridge expression: rate(1 day), rate(6 hours),
# or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 6 * * ? *).
schedule: rate(1 day)
# Optional: stop each harvest after this many tweets; earliest tweet time of the first harvest.
# max_records: 10000
# start_time: "2026-01-01T00:00:00Z"`,
  filter: `# Filtered-stream rules in X API v2 syntax; the tag is saved with every matching tweet.
rules:
  - value: "(climate OR #climatechange) lang:en -is:retweet"
    tag: climate
# Conveniences from the v1.1 API, compiled into rules (see README):
# track: [climate, "global warming"]   # keywords; all words of an entry must occur
# follow: ["2244994945"]                # their tweets, replies to them, retweets of them
# Optional: stop the stream (and its service) after this many tweets.
# max_records: 100000`,
};
