/*
 * Part of the build, first of all: the collection schemas assembled from the kinds. Each kind of
 * collection brings its own fragment, schemas/kinds/<type>.json: its YAML definition (`collection`,
 * $defs named after the type and any helpers it needs), its summary for the `type` field, and what
 * its rendered collection.json holds (`config`: properties and required fields). schemas/kinds/
 * kinds.json lists the kinds in the order the docs show them. Out come schemas/collection.schema.json
 * (which collection files name for their editors) and schemas/archive/collection-config.schema.json;
 * both are generated: edit the fragments and the bases in schemas/assembly/, never the outputs. The
 * archive schemas that name a collection's type (harvest.json, collections.json) get the kinds'
 * list as that field's enum; the rest of them is edited by hand.
 * Two kinds may share a field (schedule, max_records) only with the same definition.
 * Plain JavaScript, because it runs before anything is compiled.
 *
 *   node scripts/assemble-schemas.mjs           writes both schemas
 *   node scripts/assemble-schemas.mjs --check   exits 1 when either differs from the fragments
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMAS = join(ROOT, 'schemas');
export const ASSEMBLED = {
  collection: join(SCHEMAS, 'collection.schema.json'),
  config: join(SCHEMAS, 'archive', 'collection-config.schema.json'),
  harvest: join(SCHEMAS, 'archive', 'harvest.schema.json'),
  index: join(SCHEMAS, 'archive', 'collections-index.schema.json'),
};

/** Archive schemas that name a collection's type beside other fields: their enum is the list of kinds. */
const TYPE_ENUMS = {
  harvest: ['properties', 'type'],
  index: ['properties', 'collections', 'additionalProperties', 'properties', 'type'],
};

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The kinds' fragments, in the order kinds.json lists them. */
export function readKinds(dir = join(SCHEMAS, 'kinds')) {
  return readJson(join(dir, 'kinds.json')).map((type) => {
    const kind = readJson(join(dir, `${type}.json`));
    if (kind.type !== type) throw new Error(`schemas/kinds/${type}.json declares type ${String(kind.type)}`);
    if (kind.collection?.$defs?.[type] === undefined) throw new Error(`schemas/kinds/${type}.json has no collection.$defs.${type}`);
    return kind;
  });
}

/** Adds `entries` to `target`, refusing a name another kind defined differently. */
function merge(target, entries, what, type) {
  for (const [name, value] of Object.entries(entries ?? {})) {
    if (name in target && !isDeepStrictEqual(target[name], value))
      throw new Error(`kind ${type} defines ${what} "${name}" differently from a kind before it; share one definition`);
    target[name] = value;
  }
}

const listed = (words) => (words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`);

export function assembleCollection(base, kinds) {
  const schema = JSON.parse(JSON.stringify(base));
  delete schema.$comment;
  schema.properties.type.enum = kinds.map((k) => k.type);
  schema.properties.type.description = `What to collect: ${listed(kinds.map((k) => `${k.type} (${k.summary})`))}.`;
  for (const kind of kinds) {
    merge(schema.$defs, kind.collection.$defs, 'the definition', kind.type);
    schema.allOf.push({
      if: { properties: { type: { const: kind.type } }, required: ['type'] },
      then: { $ref: `#/$defs/${kind.type}` },
    });
  }
  return schema;
}

export function assembleConfig(base, kinds) {
  const schema = JSON.parse(JSON.stringify(base));
  delete schema.$comment;
  schema.properties.type.enum = kinds.map((k) => k.type);
  for (const kind of kinds) {
    merge(schema.properties, kind.config.properties, 'the collection.json field', kind.type);
    schema.allOf.push({ if: { properties: { type: { const: kind.type } } }, then: { required: kind.config.required } });
  }
  return schema;
}

/** `schema` with the enum at `path` set to the kinds' types. */
export function withTypeEnum(schema, path, kinds) {
  const copy = JSON.parse(JSON.stringify(schema));
  const holder = path.reduce((node, key) => node?.[key], copy);
  if (!Array.isArray(holder?.enum)) throw new Error(`no type enum at /${path.join('/')}`);
  holder.enum = kinds.map((k) => k.type);
  return copy;
}

export async function assembledSchemas() {
  const kinds = readKinds();
  const pretty = async (value, path) => format(JSON.stringify(value, null, 2), { ...(await resolveConfig(path)), parser: 'json' });
  const enums = {};
  for (const [which, path] of Object.entries(TYPE_ENUMS))
    enums[which] = await pretty(withTypeEnum(readJson(ASSEMBLED[which]), path, kinds), ASSEMBLED[which]);
  return {
    collection: await pretty(assembleCollection(readJson(join(SCHEMAS, 'assembly', 'collection.json')), kinds), ASSEMBLED.collection),
    config: await pretty(assembleConfig(readJson(join(SCHEMAS, 'assembly', 'collection-config.json')), kinds), ASSEMBLED.config),
    ...enums,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const texts = await assembledSchemas();
  for (const [which, path] of Object.entries(ASSEMBLED)) {
    if (!process.argv.includes('--check')) writeFileSync(path, texts[which]);
    else if (readFileSync(path, 'utf8') !== texts[which]) {
      process.stderr.write(`${path} differs from schemas/kinds/: run npm run build\n`);
      process.exit(1);
    }
  }
}
