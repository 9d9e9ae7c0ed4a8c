/* The filter kind, as the desired layer sees it: stream rules (and the v1.1 conveniences track and follow) kept streaming. */

import { accessLevelName } from '../../platform/x-api/access-levels.js';
import { present, type CommonFields } from './collection-fields.js';
import { compileFilterRules, type StreamRule } from './compile-filter-rules.js';
import type { DesiredKind } from './desired-kind.js';

export interface FilterCollection extends CommonFields {
  readonly type: 'filter';
  /** Everything the stream will match: `rules` as written, then the compiled `track` and `follow`. */
  readonly rules: readonly StreamRule[];
  readonly track: readonly string[];
  readonly follow: readonly string[];
  readonly max_records?: number;
  /** Fill the stretches the stream lost by search. */
  readonly repair_gaps: boolean;
}

interface FilterDocument {
  rules?: StreamRule[];
  track?: string[];
  follow?: Array<string | number>;
  max_records?: number;
  repair_gaps?: boolean;
}

const written = (doc: FilterDocument): { rules: StreamRule[]; track: string[]; follow: string[] } => ({
  rules: doc.rules ?? [],
  track: doc.track ?? [],
  follow: (doc.follow ?? []).map(String),
});

export const filterKind: DesiredKind<FilterCollection> = {
  type: 'filter',
  template: `# Filtered-stream rules in X API v2 syntax; the tag is saved with every matching tweet.
rules:
  - value: "(climate OR #climatechange) lang:en -is:retweet"
    tag: climate
# Conveniences from the v1.1 API, compiled into rules (see README):
# track: [climate, "global warming"]   # keywords; all words of an entry must occur
# follow: ["2244994945"]                # their tweets, replies to them, retweets of them
# Optional: stop the stream (and its service) after this many tweets.
# max_records: 100000
# Optional: fill the stretches the stream lost by search (default: true on aws, false locally).
# repair_gaps: true`,
  toCollection(doc, common, { maxRuleLength, target }) {
    const fields = doc as FilterDocument;
    const { track, follow } = written(fields);
    const compiled = compileFilterRules(written(fields), maxRuleLength);
    // Unattended streams on AWS have their gaps filled unless the file says otherwise.
    const repair = fields.repair_gaps ?? target === 'aws';
    return { ...common, type: 'filter', rules: compiled.rules, track, follow, ...present(fields, 'max_records'), repair_gaps: repair };
  },
  streamRules(doc, maxRuleLength) {
    return compileFilterRules(written(doc as FilterDocument), maxRuleLength).rules.map((rule) => rule.value);
  },
  check(doc, { source, context, report }) {
    const fields = doc as FilterDocument;
    const { rules, track, follow } = written(fields);
    if (rules.length + track.length + follow.length === 0) {
      report('/type', 'filter/no-rules', 'a filter collection needs at least one of `rules`, `track` or `follow`');
      return;
    }
    const level = accessLevelName(context.accessLevel);
    const { streamRuleLength, streamRuleCount } = context.limits;
    const seen = new Map<string, number>();
    rules.forEach((rule, index) => {
      if (rule.value.length > streamRuleLength) {
        report(
          `/rules/${index}/value`,
          'filter/rule-length',
          `rule is ${rule.value.length} characters; ${level} access allows ${streamRuleLength}`,
        );
      }
      const first = seen.get(rule.value);
      if (first === undefined) seen.set(rule.value, index);
      else report(`/rules/${index}/value`, 'filter/duplicate-rule', `the same rule as entry ${first + 1}; X refuses duplicate rules`);
    });
    (fields.follow ?? []).forEach((id, index) => {
      const asWritten = source.writtenAt(`/follow/${index}`) ?? String(id);
      if (typeof id === 'number' && !/^\d+$/.test(asWritten)) {
        report(
          `/follow/${index}`,
          'filter/follow-id',
          `user id ${asWritten} is read as the number ${id}; write ids as digits, e.g. "${id}"`,
        );
      }
    });
    const compiled = compileFilterRules({ rules, track, follow }, streamRuleLength);
    for (const { field, index, clause } of compiled.oversized) {
      report(
        `/${field}/${index}`,
        'filter/rule-length',
        `compiles to a rule of ${clause.length} characters; ${level} access allows ${streamRuleLength}`,
      );
    }
    if (compiled.rules.length > streamRuleCount) {
      const where = rules.length > 0 ? '/rules' : track.length > 0 ? '/track' : '/follow';
      report(
        where,
        'filter/rule-count',
        `the collection compiles to ${compiled.rules.length} stream rules; ${level} access allows ${streamRuleCount} per app`,
        'key',
      );
    }
  },
};
