/*
 * A filter collection's runtime steps where the target runs stream groups (docs/architecture.md,
 * "Stream groups"): a collection has no stream of its own; it joins or leaves its profile's group,
 * and an edit changes the group's rules on the open connection instead of restarting a stream.
 */

import type { RuntimeStep } from './model.js';
import type { ConfigBody } from './render-config.js';

type RuleBody = Pick<ConfigBody, 'credentials'> & { readonly rules?: ReadonlyArray<{ readonly value: string }> };

/** The per-collection stream steps, said as what happens to the collection within its group. */
export function streamGroupSteps(steps: readonly RuntimeStep[], from: RuleBody | undefined, to: RuleBody | undefined): RuntimeStep[] {
  const result: RuntimeStep[] = [];
  const moves = from !== undefined && to !== undefined && from.credentials !== to.credentials;
  for (const step of steps) {
    if (step.kind === 'start-service' && to) result.push({ kind: 'join-stream-group', group: to.credentials });
    // A removed collection's config is not read (its hash is not compared): its group goes unnamed.
    else if (step.kind === 'stop-service') result.push({ kind: 'leave-stream-group', ...(from ? { group: from.credentials } : {}) });
    else if (step.kind === 'restart-service' && from && to) {
      if (moves) {
        result.push(
          { kind: 'stop-harvests' },
          { kind: 'leave-stream-group', group: from.credentials },
          { kind: 'join-stream-group', group: to.credentials },
        );
        continue;
      }
      const before = new Set((from.rules ?? []).map((rule) => rule.value));
      const after = new Set((to.rules ?? []).map((rule) => rule.value));
      result.push({
        kind: 'change-stream-rules',
        group: to.credentials,
        added: [...after].filter((value) => !before.has(value)),
        removed: [...before].filter((value) => !after.has(value)),
      });
    } else result.push(step);
  }
  return result;
}
