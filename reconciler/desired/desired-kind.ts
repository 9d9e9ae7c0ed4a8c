/*
 * The desired layer's seam for a kind of collection: how a schema-valid document of the kind becomes
 * the planner's collection (defaults applied, conveniences compiled), the checks JSON Schema cannot
 * express, and the commented body `twarc-cloud new` writes. One module per kind (kind-*.ts), one
 * entry each in kinds.ts.
 */

import type { XApiLimits } from '../../platform/x-api/access-levels.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import type { CollectionDocument, CommonFields, TrackedUser } from './collection-fields.js';

export interface CheckContext {
  /** The file name without its extension, which the id must equal. */
  readonly expectedId: string;
  readonly limits: XApiLimits;
  readonly accessLevel: string;
  /** The repository's root, which paths in a collection file are relative to (absent: the current directory). */
  readonly root?: string;
}

export type Report = (pointer: string, rule: string, message: string, part?: 'key' | 'value') => void;

export interface KindCheck {
  readonly source: YamlSource;
  readonly context: CheckContext;
  readonly report: Report;
}

export interface KindContext {
  readonly maxRuleLength: number;
  /** The repository's root (absent: the current directory). */
  readonly root?: string;
  /** The target the collections are applied to, for defaults that differ by target. */
  readonly target?: string;
}

export interface DesiredKind<C extends { readonly type: string }> {
  readonly type: C['type'];
  /** This kind's fields as `twarc-cloud new` writes them: a starting point that validates as written. */
  readonly template: string;
  /** The planner's collection; a kind that names a file of the repository reads it here, from `root`. */
  toCollection(doc: CollectionDocument, common: CommonFields, context: KindContext): C;
  /** Rules about a schema-valid document of this kind that JSON Schema cannot express. */
  check(doc: CollectionDocument, check: KindCheck): void;
  /** The stream rules a document asks for (a streaming kind's only), for the cross-file checks. */
  streamRules?(doc: CollectionDocument, maxRuleLength: number): string[];
  /** The accounts a document lists by user id, for a kind whose accounts `users add` edits and user changes follow. */
  readonly accounts?: (doc: CollectionDocument) => Readonly<Record<string, TrackedUser>>;
}
