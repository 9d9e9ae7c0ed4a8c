/*
 * The filtered stream's rules as X API v2 keeps them: per app, with ids and tags; 201 on add,
 * DuplicateRule and invalid-rule problems, and the access level's count and length limits.
 */

import type { Reply } from './parameters.js';
import type { FakeAccessLevel } from './rest-endpoints.js';
import { codePoints } from './text.js';

/**
 * Rules an app may hold and the longest rule, by access level (X's filtered stream documentation:
 * pay-per-use and Pro 1,000 rules of 1,024 characters, Enterprise 25,000 of 2,048). X offers no filtered stream on
 * Basic today; its figures here are the former Elevated level's, for deployments that still have it.
 */
export const RULE_LIMITS: Readonly<Record<FakeAccessLevel, { readonly count: number; readonly length: number }>> = {
  pay_per_use: { count: 1000, length: 1024 },
  basic: { count: 25, length: 512 },
  pro: { count: 1000, length: 1024 },
  enterprise: { count: 25_000, length: 2048 },
};

export interface StreamRule {
  readonly id: string;
  readonly value: string;
  readonly tag?: string;
}

export class StreamRuleBook {
  private readonly rules = new Map<string, StreamRule[]>();
  private nextRuleId = 1_600_000_000_000_000_000n;

  constructor(private readonly accessLevel: FakeAccessLevel) {}

  rulesOf(app: string): readonly StreamRule[] {
    return this.rules.get(app) ?? [];
  }

  list(app: string): Reply {
    const rules = this.rulesOf(app);
    const sent = new Date().toISOString();
    return {
      status: 200,
      body: rules.length > 0 ? { data: rules, meta: { sent, result_count: rules.length } } : { meta: { sent, result_count: 0 } },
    };
  }

  change(app: string, body: unknown): Reply {
    const sent = new Date().toISOString();
    const request = body as { add?: Array<{ value?: unknown; tag?: unknown }>; delete?: { ids?: unknown[] } } | null;
    const rules = [...this.rulesOf(app)];
    if (request?.add) {
      const limits = RULE_LIMITS[this.accessLevel];
      const problem = (value: unknown): string | undefined => {
        if (typeof value !== 'string' || !balanced(value) || value.trim() === '')
          return 'Rules must contain a non-stopword, and balanced parentheses.';
        // The wording is not captured from X; the limit and the problem type are documented.
        if (codePoints(value) > limits.length) return `Rule length exceeds the maximum of ${limits.length} characters.`;
        return undefined;
      };
      const invalid = request.add.filter((r) => problem(r.value) !== undefined);
      if (invalid.length > 0) {
        return {
          status: 400,
          body: {
            errors: invalid.map((r) => ({
              value: r.value,
              details: [problem(r.value)],
              title: 'Invalid Rule',
              type: 'https://api.twitter.com/2/problems/invalid-rules',
            })),
            meta: {
              sent,
              summary: { created: 0, not_created: request.add.length, valid: request.add.length - invalid.length, invalid: invalid.length },
            },
          },
        };
      }
      const fresh = new Set(request.add.map((r) => String(r.value)).filter((v) => !rules.some((r) => r.value === v)));
      if (rules.length + fresh.size > limits.count) {
        return {
          status: 400,
          body: {
            title: 'RulesCapExceeded',
            detail: `You have exceeded the maximum number of rules (${limits.count}) for your access level.`,
            type: 'https://api.twitter.com/2/problems/rule-cap',
          },
        };
      }
      const created: StreamRule[] = [];
      const errors: unknown[] = [];
      for (const rule of request.add) {
        const value = String(rule.value);
        const existing = rules.find((r) => r.value === value);
        if (existing) {
          errors.push({ value, id: existing.id, title: 'DuplicateRule', type: 'https://api.twitter.com/2/problems/duplicate-rules' });
          continue;
        }
        this.nextRuleId += 1n;
        const made: StreamRule = { id: this.nextRuleId.toString(), value, ...(typeof rule.tag === 'string' ? { tag: rule.tag } : {}) };
        rules.push(made);
        created.push(made);
      }
      this.rules.set(app, rules);
      const reply: Record<string, unknown> = {
        meta: { sent, summary: { created: created.length, not_created: errors.length, valid: created.length, invalid: 0 } },
      };
      if (created.length > 0) reply['data'] = created;
      if (errors.length > 0) reply['errors'] = errors;
      return { status: 201, body: reply };
    }
    if (request?.delete && Array.isArray(request.delete.ids)) {
      const ids = new Set(request.delete.ids.map(String));
      const kept = rules.filter((r) => !ids.has(r.id));
      this.rules.set(app, kept);
      const deleted = rules.length - kept.length;
      return { status: 200, body: { meta: { sent, summary: { deleted, not_deleted: ids.size - deleted } } } };
    }
    return {
      status: 400,
      body: {
        errors: [{ message: 'Either `add` or `delete` is required' }],
        title: 'Invalid Request',
        type: 'https://api.twitter.com/2/problems/invalid-request',
      },
    };
  }
}

function balanced(value: string): boolean {
  let depth = 0;
  for (const c of value) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}
