/*
 * Renders the field reference in README.md from the JSON Schemas, so the documentation cannot drift
 * from what validation enforces. `npm run docs` rewrites the marked sections; a test compares them.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMAS_DIR } from '../platform/paths.js';

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  $ref?: string;
  description?: string;
  title?: string;
  default?: unknown;
  examples?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  $defs?: Record<string, Schema>;
  /** `not: {}`: a field that was removed, kept so that validation says how to move on. */
  not?: Schema;
  allOf?: Array<{ if?: { properties?: { type?: { const?: string } } }; then?: Schema }>;
}

export const SECTIONS = {
  collection: { begin: '<!-- BEGIN GENERATED: collection.schema.json -->', end: '<!-- END GENERATED: collection.schema.json -->' },
  settings: { begin: '<!-- BEGIN GENERATED: twarc-cloud.schema.json -->', end: '<!-- END GENERATED: twarc-cloud.schema.json -->' },
} as const;

function readSchema(name: string): Schema {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')) as Schema;
}

export function renderCollectionDocs(): string {
  const root = readSchema('collection');
  const parts = ['#### Fields of every collection', '', ...table(root, root, '')];
  for (const branch of root.allOf ?? []) {
    if (!branch.then) continue;
    const def = resolve(root, branch.then);
    parts.push('', `#### \`type: ${branch.if?.properties?.type?.const ?? '?'}\``, '', def.description ?? '', '', ...table(root, def, ''));
  }
  return parts.join('\n');
}

export function renderSettingsDocs(): string {
  const root = readSchema('twarc-cloud');
  return table(root, root, '').join('\n');
}

function table(root: Schema, schema: Schema, prefix: string): string[] {
  return ['| Field | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows(root, schema, prefix)];
}

function rows(root: Schema, schema: Schema, prefix: string): string[] {
  const lines: string[] = [];
  for (const [name, raw] of Object.entries(schema.properties ?? {})) {
    const field = resolve(root, raw);
    const path = `${prefix}${name}`;
    const required = schema.required?.includes(name) ? ' (required)' : '';
    const defaultValue = field.default === undefined ? '' : `\`${JSON.stringify(field.default)}\``;
    const example = field.examples?.[0] === undefined ? '' : ` Example: \`${JSON.stringify(field.examples[0])}\``;
    lines.push(`| \`${path}\`${required} | ${typeName(root, field)} | ${defaultValue} | ${cell((field.description ?? '') + example)} |`);
    if (field.properties) lines.push(...rows(root, field, `${path}.`));
    const entry = typeof field.additionalProperties === 'object' ? resolve(root, field.additionalProperties) : undefined;
    if (entry?.properties) lines.push(...rows(root, entry, `${path}.<key>.`));
    const item = field.items ? resolve(root, field.items) : undefined;
    if (item?.properties) lines.push(...rows(root, item, `${path}[].`));
  }
  return lines;
}

function typeName(root: Schema, schema: Schema): string {
  if (schema.not !== undefined) return 'removed';
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (schema.type === 'array' && schema.items) return `list of ${typeName(root, resolve(root, schema.items))}`;
  if (schema.type === 'object' && schema.additionalProperties) return 'map';
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  return schema.type ?? 'any';
}

/** A $ref's definition, with what the referring schema says beside it (its own description) taking precedence. */
function resolve(root: Schema, schema: Schema): Schema {
  const name = schema.$ref?.replace('#/$defs/', '');
  const definition = name === undefined ? undefined : root.$defs?.[name];
  if (!definition) return schema;
  const { $ref: _ref, ...beside } = schema;
  return { ...definition, ...beside };
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** README text with each generated section replaced by its current rendering. */
export function withGeneratedSections(readme: string): string {
  let text = readme;
  for (const [key, markers] of Object.entries(SECTIONS)) {
    const start = text.indexOf(markers.begin);
    const end = text.indexOf(markers.end);
    if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${markers.begin} ... ${markers.end}`);
    const body = key === 'collection' ? renderCollectionDocs() : renderSettingsDocs();
    text = `${text.slice(0, start + markers.begin.length)}\n${body}\n${text.slice(end)}`;
  }
  return text;
}
