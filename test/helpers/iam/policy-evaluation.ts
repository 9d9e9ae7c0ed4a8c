/*
 * IAM's evaluation of identity (and resource) policies for one request, as AWS documents it: an
 * explicit Deny wins, else an Allow whose Action, Resource and every Condition match, else the
 * implicit deny. Only what our policies use is supported; anything else fails loudly instead of
 * being guessed. (moto's own IAM enforcement is not faithful enough to trust: it reads a Deny whose
 * condition does not hold as a deny, and ignores resource-level rules.)
 */

export interface IamRequest {
  /** service:Action, as in policies: ecs:RunTask. */
  readonly action: string;
  /** The resource ARN the action authorizes against, or "*" for actions without resource-level permissions. */
  readonly resource: string;
  /** Condition keys in the request context; absent keys are absent. Multi-valued keys are arrays. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Principal?: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly (string | boolean)[]>>>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | readonly PolicyStatement[];
}

export type Decision = { readonly allowed: true; readonly by: string } | { readonly allowed: false; readonly why: string };

const list = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value as T];

/** IAM's wildcards: * any run of characters, ? one; case-insensitive for actions, sensitive for ARNs. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's').test(value);
}

function actionMatches(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((p) => wildcard(p, action, true));
  return list(statement.Action).some((p) => wildcard(p, action, true));
}

function resourceMatches(statement: PolicyStatement, resource: string): boolean {
  if (statement.NotResource !== undefined) return !list(statement.NotResource).some((p) => wildcard(p, resource, false));
  // A role's trust policy names no resource: it is the role's own, and applies to assuming it.
  if (statement.Resource === undefined) return true;
  // A request for "*" (an action without resource-level permissions) is matched only by "*".
  if (resource === '*') return list(statement.Resource).includes('*');
  return list(statement.Resource).some((p) => wildcard(p, resource, false));
}

/** ARNs compare part by part; wildcards within a part (ArnLike). */
function arnLike(pattern: string, arn: string): boolean {
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return false;
  const head = (parts: string[]): string[] => [...parts.slice(0, 5), parts.slice(5).join(':')];
  return head(p).every((part, i) => wildcard(part, head(a)[i] ?? '', false));
}

function operatorHolds(operator: string, wanted: readonly string[], present: readonly string[]): boolean {
  const any = (test: (want: string, have: string) => boolean): boolean => present.some((have) => wanted.some((want) => test(want, have)));
  switch (operator) {
    case 'StringEquals':
    case 'ArnEquals':
      return any((want, have) => want === have);
    case 'StringEqualsIgnoreCase':
      return any((want, have) => want.toLowerCase() === have.toLowerCase());
    case 'StringLike':
      return any((want, have) => wildcard(want, have, false));
    case 'ArnLike':
      return any((want, have) => arnLike(want, have));
    case 'Bool':
      return any((want, have) => want.toLowerCase() === have.toLowerCase());
    case 'StringNotEquals':
    case 'ArnNotEquals':
      return present.every((have) => !wanted.includes(have));
    case 'StringNotLike':
      return present.every((have) => !wanted.some((want) => wildcard(want, have, false)));
    case 'ArnNotLike':
      return present.every((have) => !wanted.some((want) => arnLike(want, have)));
    default:
      throw new Error(
        `the IAM evaluator does not know the condition operator ${operator}; teach it (from AWS's documentation) before using it`,
      );
  }
}

/** Every condition of the statement holds (AND across operators and keys, OR across a key's values). */
function conditionsHold(statement: PolicyStatement, context: IamRequest['context']): boolean {
  for (const [rawOperator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, rawWanted] of Object.entries(keys)) {
      const wanted = list(rawWanted).map(String);
      const found = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
      const present = list(found);
      if (rawOperator === 'Null') {
        if ((present.length === 0) !== (wanted[0] === 'true')) return false;
        continue;
      }
      const ifExists = rawOperator.endsWith('IfExists');
      const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator;
      if (present.length === 0) {
        // A missing key matches nothing, except with ...IfExists; negated operators match a missing key too.
        if (ifExists || /Not/.test(operator)) continue;
        return false;
      }
      if (!operatorHolds(operator, wanted, present)) return false;
    }
  }
  return true;
}

/** Decides a request against the named policies (identity policies of the caller, and resource policies that apply). */
export function evaluate(policies: ReadonlyMap<string, PolicyDocument>, request: IamRequest): Decision {
  let allowedBy: string | undefined;
  for (const [name, document] of policies) {
    for (const [index, statement] of list(document.Statement).entries()) {
      if (!actionMatches(statement, request.action) || !resourceMatches(statement, request.resource)) continue;
      if (!conditionsHold(statement, request.context)) continue;
      const label = `${name}#${statement.Sid ?? String(index)}`;
      if (statement.Effect === 'Deny') return { allowed: false, why: `explicitly denied by ${label}` };
      allowedBy ??= label;
    }
  }
  return allowedBy !== undefined ? { allowed: true, by: allowedBy } : { allowed: false, why: 'no statement allows it (implicit deny)' };
}
