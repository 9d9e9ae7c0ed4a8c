/**
 * The names a target derives from a collection id (AWS: rule, service and task family names) have
 * rules of their own. Each target contributes its rules through this seam, and validation applies
 * the rules of every target, so that a collections repository stays valid when it moves from one
 * target to another.
 */
export interface NameProblem {
  readonly rule: string;
  readonly message: string;
}

export type NameRules = (deployment: string, collection: { readonly id: string; readonly compliance: boolean }) => readonly NameProblem[];
