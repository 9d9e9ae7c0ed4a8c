/*
 * The IAM check of a test run: every recorded call, attributed to the production role that makes it
 * (by the access key its caller signed with), decided against that role's policies.
 */

import { evaluate, type PolicyDocument } from './policy-evaluation.js';
import { iamRequestsOf, type CheckedCall, type WireExchange, type World } from './wire-calls.js';

export interface RoleCall {
  readonly role: string;
  readonly call: CheckedCall;
}

export interface IamVerdict {
  /** One line per denied request: role, action, resource, the call, and why. */
  readonly denied: string[];
  /** Distinct "role action" pairs checked. */
  readonly pairs: ReadonlySet<string>;
  readonly requests: number;
}

/** The IAM requests of the recorded exchanges made with a role's key; the keys of others (the test's own) are skipped. */
export function roleCallsOf(exchanges: readonly WireExchange[], roleOfKey: ReadonlyMap<string, string>, world: World): RoleCall[] {
  return exchanges.flatMap((exchange) => {
    const role = roleOfKey.get(exchange.accessKeyId);
    return role === undefined ? [] : iamRequestsOf(exchange, world).map((call) => ({ role, call }));
  });
}

export function checkIam(calls: readonly RoleCall[], policiesOf: (role: string) => ReadonlyMap<string, PolicyDocument>): IamVerdict {
  const denied = new Set<string>();
  const pairs = new Set<string>();
  for (const { role, call } of calls) {
    pairs.add(`${role} ${call.action}`);
    const decision = evaluate(policiesOf(role), call);
    if (!decision.allowed)
      denied.add(
        `${role} may not ${call.action} on ${call.resource} (${call.call}; context ${JSON.stringify(call.context)}): ${decision.why}`,
      );
  }
  return { denied: [...denied], pairs, requests: calls.length };
}
