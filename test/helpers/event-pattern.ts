/*
 * EventBridge's event pattern matching, as its user guide documents it ("Event pattern syntax",
 * "Arrays in event patterns", "Content filtering"), for the alert rules' tests. moto's matcher is
 * not used: it does not match a field inside an array of objects (detail.containers[].exitCode),
 * which EventBridge does. Only what our patterns use is supported; anything else throws.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The event's values at a pattern field: an array in the event contributes each element (arrays of objects are flattened). */
function valuesAt(event: Json, key: string): Json[] | undefined {
  const holders = Array.isArray(event) ? event : [event];
  const found: Json[] = [];
  let present = false;
  for (const holder of holders) {
    if (holder === null || typeof holder !== 'object' || Array.isArray(holder) || !(key in holder)) continue;
    present = true;
    const value = holder[key] as Json;
    found.push(...(Array.isArray(value) ? value : [value]));
  }
  return present ? found : undefined;
}

function leafMatches(rule: Json, value: Json): boolean {
  if (rule === null || typeof rule !== 'object') return rule === value;
  if (Array.isArray(rule)) throw new Error('a nested array is not a valid pattern value');
  const [operator, argument] = Object.entries(rule)[0] ?? [];
  switch (operator) {
    case 'anything-but': {
      const excluded = Array.isArray(argument) ? argument : [argument ?? null];
      return !excluded.some((e) => e === value);
    }
    case 'prefix':
      return typeof value === 'string' && typeof argument === 'string' && value.startsWith(argument);
    default:
      throw new Error(`the event pattern matcher does not know ${String(operator)}; teach it from EventBridge's documentation`);
  }
}

/** True when the event matches the pattern: every field (AND), any of a field's values (OR). */
export function matchesPattern(pattern: Json, event: Json): boolean {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) throw new Error('a pattern is an object');
  return Object.entries(pattern).every(([key, rule]) => {
    const values = valuesAt(event, key);
    if (Array.isArray(rule)) {
      const exists = rule.find((r): r is { exists: boolean } => r !== null && typeof r === 'object' && 'exists' in r);
      if (exists) return (values !== undefined) === exists.exists;
      return values !== undefined && rule.some((r) => values.some((v) => leafMatches(r, v)));
    }
    return values !== undefined && values.some((v) => v !== null && typeof v === 'object' && matchesPattern(rule, v));
  });
}
