import type { Problem } from '../problems.js';
import { parseSchedule } from '../schedule/schedule-expression.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import { accessLevelName, EARLIEST_SEARCH_TIME, type XApiLimits } from '../../platform/x-api/access-levels.js';
import { DEFAULT_STATE, type CollectionDocument } from './collection.js';
import { compileFilterRules } from './compile-filter-rules.js';

export interface CheckContext {
  /** The file name without its extension, which the id must equal. */
  readonly expectedId: string;
  readonly limits: XApiLimits;
  readonly accessLevel: string;
}

type Report = (pointer: string, rule: string, message: string, part?: 'key' | 'value') => void;

/** Rules about one collection file that JSON Schema cannot express. Runs on schema-valid documents. */
export function semanticProblems(source: YamlSource, doc: CollectionDocument, context: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (pointer, rule, message, part = 'value') => {
    problems.push({ file: source.file, ...source.positionOf(pointer, part), rule, message, severity: 'error' });
  };

  if (doc.id !== context.expectedId) {
    report(
      '/id',
      'id/file-name',
      `id "${doc.id}" must equal the file name "${context.expectedId}"; rename the file to ${doc.id}.yaml or change the id`,
    );
  }
  for (const [pointer, schedule] of [
    ['/schedule', doc.schedule],
    ['/compliance/schedule', doc.compliance?.schedule],
  ] as const) {
    if (schedule === undefined) continue;
    const parsed = parseSchedule(schedule);
    if (!parsed.ok) report(pointer, 'schedule/syntax', parsed.message);
  }

  switch (doc.type) {
    case 'user_timeline':
      checkUsers(source, doc, report);
      break;
    case 'search':
      checkSearch(doc, context, report);
      break;
    case 'filter':
      checkFilter(source, doc, context, report);
      break;
  }
  return problems;
}

function checkUsers(source: YamlSource, doc: CollectionDocument, report: Report): void {
  const users = doc.users ?? {};
  // File order, not object order (which sorts numeric keys), so "listed twice" names the later line.
  const ids = source.keysAt('/users');
  if (ids.length === 0 && (doc.state ?? DEFAULT_STATE) === 'active') {
    report('/users', 'users/empty', 'an active user_timeline collection needs at least one user; add users or set state: suspended');
  }
  const byName = new Map<string, string>();
  for (const id of ids) {
    const name = users[id]?.screen_name.toLowerCase();
    if (name === undefined) continue;
    const other = byName.get(name);
    if (other === undefined) {
      byName.set(name, id);
    } else {
      report(
        `/users/${id}/screen_name`,
        'users/duplicate',
        `screen name "${users[id]?.screen_name}" is listed twice: for user ${other} and for user ${id}`,
      );
    }
  }
}

function checkSearch(doc: CollectionDocument, context: CheckContext, report: Report): void {
  const query = doc.query ?? '';
  const archive = doc.archive ?? false;
  const limit = archive ? context.limits.fullArchiveSearchQueryLength : context.limits.recentSearchQueryLength;
  if (query.length > limit) {
    const kind = archive ? 'full-archive' : 'recent';
    report(
      '/query',
      'search/query-length',
      `query is ${query.length} characters; ${kind} search on ${accessLevelName(context.accessLevel)} access allows ${limit}`,
    );
  }
  if (doc.start_time !== undefined && Date.parse(doc.start_time) < Date.parse(EARLIEST_SEARCH_TIME)) {
    report('/start_time', 'search/start-time', `start_time is before the earliest time X can search (${EARLIEST_SEARCH_TIME})`);
  }
  if (doc.start_time !== undefined && doc.end_time !== undefined && Date.parse(doc.end_time) <= Date.parse(doc.start_time)) {
    report('/end_time', 'search/end-time', 'end_time must be later than start_time');
  }
}

function checkFilter(source: YamlSource, doc: CollectionDocument, context: CheckContext, report: Report): void {
  const rules = doc.rules ?? [];
  const track = doc.track ?? [];
  const follow = (doc.follow ?? []).map(String);
  if (rules.length + track.length + follow.length === 0) {
    report('/type', 'filter/no-rules', 'a filter collection needs at least one of `rules`, `track` or `follow`');
    return;
  }
  const { streamRuleLength, streamRuleCount } = context.limits;
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    if (rule.value.length > streamRuleLength) {
      report(
        `/rules/${index}/value`,
        'filter/rule-length',
        `rule is ${rule.value.length} characters; ${accessLevelName(context.accessLevel)} access allows ${streamRuleLength}`,
      );
    }
    const first = seen.get(rule.value);
    if (first === undefined) seen.set(rule.value, index);
    else report(`/rules/${index}/value`, 'filter/duplicate-rule', `the same rule as entry ${first + 1}; X refuses duplicate rules`);
  });
  (doc.follow ?? []).forEach((id, index) => {
    const written = source.writtenAt(`/follow/${index}`) ?? String(id);
    if (typeof id === 'number' && !/^\d+$/.test(written)) {
      report(`/follow/${index}`, 'filter/follow-id', `user id ${written} is read as the number ${id}; write ids as digits, e.g. "${id}"`);
    }
  });
  const compiled = compileFilterRules({ rules, track, follow }, streamRuleLength);
  for (const { field, index, clause } of compiled.oversized) {
    report(
      `/${field}/${index}`,
      'filter/rule-length',
      `compiles to a rule of ${clause.length} characters; ${accessLevelName(context.accessLevel)} access allows ${streamRuleLength}`,
    );
  }
  if (compiled.rules.length > streamRuleCount) {
    const where = rules.length > 0 ? '/rules' : track.length > 0 ? '/track' : '/follow';
    report(
      where,
      'filter/rule-count',
      `the collection compiles to ${compiled.rules.length} stream rules; ${accessLevelName(context.accessLevel)} access allows ${streamRuleCount} per app`,
      'key',
    );
  }
}
