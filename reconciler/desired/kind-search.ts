/* The search kind, as the desired layer sees it: a search query run on a schedule, each harvest continuing the last. */

import { accessLevelName, EARLIEST_SEARCH_TIME } from '../../platform/x-api/access-levels.js';
import { present, type CommonFields } from './collection-fields.js';
import type { DesiredKind } from './desired-kind.js';

export interface SearchCollection extends CommonFields {
  readonly type: 'search';
  readonly query: string;
  readonly archive: boolean;
  readonly max_records?: number;
  readonly start_time?: string;
  readonly end_time?: string;
  readonly schedule?: string;
}

interface SearchDocument {
  query?: string;
  archive?: boolean;
  max_records?: number;
  start_time?: string;
  end_time?: string;
  schedule?: string;
}

export const searchKind: DesiredKind<SearchCollection> = {
  type: 'search',
  template: `# An X API v2 search query (512 characters for recent search on self-serve access).
query: "(climate OR #climatechange) lang:en -is:retweet"
# false: the last 7 days (recent search); true: the full archive since 2006.
archive: false
# When to harvest (UTC), as an EventBridge expression: rate(1 day), rate(6 hours),
# or cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 6 * * ? *).
schedule: rate(1 day)
# Optional: stop each harvest after this many tweets; earliest tweet time of the first harvest.
# max_records: 10000
# start_time: "2026-01-01T00:00:00Z"`,
  toCollection(doc, common) {
    const fields = doc as SearchDocument;
    return {
      ...common,
      type: 'search',
      query: fields.query ?? '',
      archive: fields.archive ?? false,
      ...present(fields, 'max_records', 'start_time', 'end_time', 'schedule'),
    };
  },
  check(doc, { context, report }) {
    const fields = doc as SearchDocument;
    const query = fields.query ?? '';
    const archive = fields.archive ?? false;
    const limit = archive ? context.limits.fullArchiveSearchQueryLength : context.limits.recentSearchQueryLength;
    if (query.length > limit) {
      const reach = archive ? 'full-archive' : 'recent';
      report(
        '/query',
        'search/query-length',
        `query is ${query.length} characters; ${reach} search on ${accessLevelName(context.accessLevel)} access allows ${limit}`,
      );
    }
    const { start_time: start, end_time: end } = fields;
    if (start !== undefined && Date.parse(start) < Date.parse(EARLIEST_SEARCH_TIME)) {
      report('/start_time', 'search/start-time', `start_time is before the earliest time X can search (${EARLIEST_SEARCH_TIME})`);
    }
    if (start !== undefined && end !== undefined && Date.parse(end) <= Date.parse(start)) {
      report('/end_time', 'search/end-time', 'end_time must be later than start_time');
    }
  },
};
