import { closest } from './closest.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ajv2020, ErrorObject, Options, ValidateFunction } from 'ajv/dist/2020.js';
import lazyModules from './lazy-modules.cjs';
import { COMPILED_SCHEMAS_DIR, SCHEMAS_DIR } from './paths.js';

/** One schema violation, addressed by JSON pointer; the caller maps it to a file position. */
export interface SchemaIssue {
  readonly pointer: string;
  /** Report at the key (unknown or badly named fields) or at the value. */
  readonly part: 'key' | 'value';
  readonly rule: string;
  readonly message: string;
}

type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  allOf?: JsonSchema[];
  $defs?: Record<string, JsonSchema>;
  $ref?: string;
  if?: JsonSchema;
  then?: JsonSchema;
  const?: unknown;
  errorMessage?: string;
};

export interface SchemaValidator {
  readonly schema: JsonSchema;
  /** Whether `data` satisfies the schema; false too when it nests too deeply to check. */
  accepts(data: unknown): boolean;
  issues(data: unknown): SchemaIssue[];
}

/** The `pattern` of a top-level property of a schema, for code that must apply the same rule. */
export function schemaPattern(name: string, property: string): string {
  const pattern = readSchema(name).properties?.[property]?.['pattern'];
  if (typeof pattern !== 'string') throw new Error(`schemas/${name}.schema.json has no pattern for ${property}`);
  return pattern;
}

/** The `maxLength` of a top-level property of a schema, for code that must apply the same rule. */
export function schemaMaxLength(name: string, property: string): number {
  const maxLength = readSchema(name).properties?.[property]?.['maxLength'];
  if (typeof maxLength !== 'number') throw new Error(`schemas/${name}.schema.json has no maxLength for ${property}`);
  return maxLength;
}

function readSchema(name: string): JsonSchema {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')) as JsonSchema;
}

/** The options every validator of these schemas is compiled with, here and in the build's precompiled ones. */
const AJV_OPTIONS = { allErrors: true, strict: true, strictRequired: false, verbose: true, allowUnionTypes: true } as const;

/** An ajv instance configured for these schemas; `options` adds to AJV_OPTIONS (the build's standalone code). */
export function schemaCompiler(options: Options = {}): Ajv2020 {
  const { Ajv2020 } = lazyModules.loadAjv2020();
  const ajv = new Ajv2020({ ...AJV_OPTIONS, ...options });
  lazyModules.loadAjvFormats()(ajv, ['date-time', 'date']);
  // A friendlier message for a failed pattern; editors (yaml-language-server) show it too.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  return ajv;
}

/** Where the build writes each schema's precompiled validator (scripts/compile-schemas.ts). */
export function precompiledValidatorPath(name: string): string {
  return join(COMPILED_SCHEMAS_DIR, `${name}.cjs`);
}

const validators = new Map<string, SchemaValidator>();

/**
 * The validator of `schemas/<name>.schema.json`, made once per process. Whether data is valid is
 * answered by the build's precompiled code when it was built from this very schema (else ajv
 * compiles it here); ajv itself, and the compiling, are needed only to explain invalid data.
 */
export function schemaValidator(name: string): SchemaValidator {
  const cached = validators.get(name);
  if (cached) return cached;
  const schemaText = readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8');
  const schema = JSON.parse(schemaText) as JsonSchema;
  let compiled: ValidateFunction | undefined;
  const explaining = (): ValidateFunction => (compiled ??= schemaCompiler().compile(schema));
  const precompiled = precompiledValidator(name, schemaText);
  const validator: SchemaValidator = {
    schema,
    accepts: (data) => {
      try {
        return (precompiled ?? explaining())(data);
      } catch (error) {
        if (error instanceof RangeError) return false;
        throw error;
      }
    },
    issues: (data) => translate(explaining(), schema, data),
  };
  validators.set(name, validator);
  return validator;
}

type PrecompiledModule = ((data: unknown) => boolean) & { schemaText?: string };

function precompiledValidator(name: string, schemaText: string): ((data: unknown) => boolean) | undefined {
  const module = lazyModules.loadBuiltModule(precompiledValidatorPath(name)) as PrecompiledModule | undefined;
  // A schema edited since the last build: its old code would answer for the old schema.
  return typeof module === 'function' && module.schemaText === schemaText ? module : undefined;
}

function translate(validate: ValidateFunction, root: JsonSchema, data: unknown): SchemaIssue[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const issues: SchemaIssue[] = [];
  // Without a valid discriminator, no variant's field is known; reporting them all as unknown is noise.
  const discriminator = discriminatorOf(root);
  const typeIsInvalid =
    discriminator !== undefined &&
    errors.some(
      (e) =>
        (e.instancePath === `/${discriminator}` && e.keyword === 'enum') ||
        (e.instancePath === '' && e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === discriminator),
    );
  for (const error of errors) {
    const issue = translateOne(error, root, data, typeIsInvalid);
    if (issue && !issues.some((i) => i.pointer === issue.pointer && i.message === issue.message)) issues.push(issue);
  }
  return issues;
}

function translateOne(error: ErrorObject, root: JsonSchema, data: unknown, typeIsInvalid: boolean): SchemaIssue | undefined {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as JsonSchema;
  const value = (field: string, message: string): SchemaIssue => ({ pointer, part: 'value', rule: `schema/${field}`, message });
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      return undefined; // the underlying error is reported on its own
    case 'required':
      return value('required', `missing required field \`${String(params['missingProperty'])}\``);
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params['additionalProperty'] ?? params['unevaluatedProperty']);
      if (error.keyword === 'unevaluatedProperties') {
        // A failing `then` branch drops its annotations, so valid fields show up here too; and with an
        // unknown type every type-specific field would. Only report names the schema really lacks.
        if (typeIsInvalid || knownFields(root, parent, data).has(name)) return undefined;
      }
      return {
        pointer: `${pointer}/${escapePointer(name)}`,
        part: 'key',
        rule: 'schema/unknown-field',
        message: unknownFieldMessage(name, root, parent, data),
      };
    }
    case 'type': {
      const expected = ([] as unknown[]).concat(params['type']).join(' or ');
      const quoteHint = expected.includes('string') ? '; quote the value to make it text' : '';
      return value('type', `must be ${article(expected)}, not ${describe(error.data)}${quoteHint}`);
    }
    case 'const':
      return value('const', `must be ${JSON.stringify(params['allowedValue'])}, not ${JSON.stringify(error.data)}`);
    case 'enum':
      return value(
        'enum',
        `must be one of ${(params['allowedValues'] as unknown[]).map((v) => String(v)).join(', ')}, not ${JSON.stringify(error.data)}`,
      );
    case 'pattern': {
      const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
      const message = parent.errorMessage ?? `must match ${String(params['pattern'])}`;
      if (propertyName !== undefined) {
        return {
          pointer: `${pointer}/${escapePointer(propertyName)}`,
          part: 'key',
          rule: 'schema/key-pattern',
          message: `"${propertyName}": ${message}`,
        };
      }
      return value('pattern', `${JSON.stringify(error.data)}: ${message}`);
    }
    case 'format':
      return value(
        'format',
        (error.params as { format?: string }).format === 'date'
          ? `${JSON.stringify(error.data)} is not a date; write it as 2026-01-01`
          : `${JSON.stringify(error.data)} is not a date-time; write UTC time as 2026-01-01T00:00:00Z`,
      );
    case 'minimum':
    case 'maximum':
      return value(
        error.keyword,
        parent.errorMessage ?? `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params['limit'])}`,
      );
    case 'minLength':
      return value('min-length', params['limit'] === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters`);
    case 'maxLength':
      return value('max-length', `is ${String((error.data as string).length)} characters; at most ${String(params['limit'])} are allowed`);
    case 'not':
      // A removed field (`not: {}`): its errorMessage says what took its place.
      return value('removed', parent.errorMessage ?? 'is not allowed here');
    case 'uniqueItems':
      return {
        pointer: `${pointer}/${String(params['i'])}`,
        part: 'value',
        rule: 'schema/unique-items',
        message: `duplicate entry: the same as entry ${Number(params['j']) + 1}`,
      };
    default:
      return value(error.keyword, error.message ?? 'is invalid');
  }
}

/**
 * The property that selects a variant of the schema (`allOf` of `if: {properties: {<name>: {const}}}`
 * then-branches), if it has variants: `type` for collections.
 */
function discriminatorOf(root: JsonSchema): string | undefined {
  const names = new Set((root.allOf ?? []).flatMap((branch) => Object.keys(branch.if?.properties ?? {})));
  return names.size === 1 ? [...names][0] : undefined;
}

function variantOf(root: JsonSchema, data: unknown): { discriminator: string; value: unknown } | undefined {
  const discriminator = discriminatorOf(root);
  if (discriminator === undefined || data === null || typeof data !== 'object') return undefined;
  return { discriminator, value: (data as Record<string, unknown>)[discriminator] };
}

/** Field names the schema allows on the object at hand, including those of its variant. */
function knownFields(root: JsonSchema, schema: JsonSchema, data: unknown): Set<string> {
  const names = new Set(Object.keys(schema.properties ?? {}));
  const variant = variantOf(root, data);
  if (schema !== root || !variant) return names;
  for (const branch of root.allOf ?? []) {
    if (branch.if?.properties?.[variant.discriminator]?.const === variant.value && branch.then) {
      for (const name of Object.keys(resolve(root, branch.then).properties ?? {})) names.add(name);
    }
  }
  return names;
}

/** "a", "a and b", "a, b and c". */
function spokenList(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1) ?? ''}`;
}

function unknownFieldMessage(name: string, root: JsonSchema, schema: JsonSchema, data: unknown): string {
  const known = knownFields(root, schema, data);
  const variant = variantOf(root, data);
  if (schema === root && variant) {
    const owners = (root.allOf ?? [])
      .filter((branch) => branch.then && name in (resolve(root, branch.then).properties ?? {}))
      .map((branch) => String(branch.if?.properties?.[variant.discriminator]?.const));
    // What the schema describes, from its title ("twarc-cloud collection"): "... search collections".
    const things = `${(root['title'] as string | undefined)?.split(' ').pop() ?? 'variant'}s`;
    if (owners.length > 0) {
      return `unknown field \`${name}\`: it belongs to ${spokenList(owners)} ${things}, not ${String(variant.value)}`;
    }
  }
  const suggestion = closest(name, [...known]);
  return `unknown field \`${name}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`;
}

function resolve(root: JsonSchema, schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (!ref?.startsWith('#/$defs/')) return schema;
  return root.$defs?.[ref.slice('#/$defs/'.length)] ?? schema;
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describe(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
