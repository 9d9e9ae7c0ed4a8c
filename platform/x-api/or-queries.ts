/**
 * Clauses (stream rules, @names, conversation_id: terms) OR-ed into as few search queries as fit
 * `queryLength`; a clause too long for a query on its own is left out and returned apart. A post
 * matching clauses of two queries is found by both.
 */
export function orQueries(clauses: readonly string[], queryLength: number): { readonly queries: string[]; readonly tooLong: string[] } {
  const queries: string[] = [];
  const tooLong: string[] = [];
  let current = '';
  for (const raw of clauses) {
    const clause = `(${raw})`;
    if (clause.length > queryLength) {
      tooLong.push(raw);
      continue;
    }
    const joined = current === '' ? clause : `${current} OR ${clause}`;
    if (joined.length <= queryLength) current = joined;
    else {
      queries.push(current);
      current = clause;
    }
  }
  if (current !== '') queries.push(current);
  return { queries, tooLong };
}
