/*
 * A kind of collection lives behind one seam per layer: its schema fragment (schemas/kinds/), its
 * desired, plan and estimate modules (one table each in reconciler/), and its collector. These
 * specs hold the tables to one list of kinds, and the schema assembly to its rules.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { collectorOf } from '../../harvester/collect/collectors.js';
import { PACKAGE_ROOT, SCHEMAS_DIR } from '../../platform/paths.js';
import { COLLECTION_TYPES, DESIRED_KINDS } from '../../reconciler/desired/kinds.js';
import { estimateKind } from '../../reconciler/estimate/kinds.js';
import { planKind } from '../../reconciler/plan/kinds.js';

interface Fragment {
  type: string;
  summary: string;
  collection: { $defs: Record<string, unknown> };
  config: { required: string[]; properties: Record<string, unknown> };
}
interface Assembler {
  readonly ASSEMBLED: Record<string, string>;
  readonly readKinds: () => Fragment[];
  readonly assembledSchemas: () => Promise<Record<string, string>>;
  readonly assembleCollection: (base: object, kinds: Fragment[]) => { properties: { type: { enum: string[]; description: string } } };
  readonly assembleConfig: (base: object, kinds: Fragment[]) => { properties: { type: { enum: string[] } } };
}

const assembler = async (): Promise<Assembler> =>
  (await import(pathToFileURL(join(PACKAGE_ROOT, 'scripts', 'assemble-schemas.mjs')).href)) as Assembler;
const readJson = (path: string): object => JSON.parse(readFileSync(path, 'utf8')) as object;
const base = (name: string): object => readJson(join(SCHEMAS_DIR, 'assembly', `${name}.json`));

describe('the kinds of collection', () => {
  it('are one list: the schemas name the kinds the desired layer knows, in its order', async () => {
    const { readKinds } = await assembler();
    assert.deepEqual(
      readKinds().map((kind) => kind.type),
      COLLECTION_TYPES,
    );
    assert.deepEqual(Object.keys(DESIRED_KINDS), COLLECTION_TYPES);
  });

  it('each have a plan, an estimate and a collector', () => {
    for (const type of COLLECTION_TYPES) {
      assert.ok(planKind(type), `${type} has no plan kind (reconciler/plan/kinds.ts)`);
      assert.ok(estimateKind(type), `${type} has no estimate kind (reconciler/estimate/kinds.ts)`);
      assert.ok(collectorOf(type), `${type} has no collector (harvester/collect/collectors.ts)`);
    }
    assert.equal(planKind('no_such_kind'), undefined);
  });

  it('assemble into the collection schemas the build wrote, and name the type in harvest.json and collections.json', async () => {
    const { ASSEMBLED, assembledSchemas } = await assembler();
    const texts = await assembledSchemas();
    assert.deepEqual(Object.keys(texts), Object.keys(ASSEMBLED));
    for (const [which, path] of Object.entries(ASSEMBLED))
      assert.equal(readFileSync(path, 'utf8'), texts[which], `${path}: run npm run build`);
  });

  it("name every kind in the type field, with each kind's summary", async () => {
    const { readKinds, assembleCollection, assembleConfig } = await assembler();
    const kinds = readKinds();
    const collection = assembleCollection(base('collection'), kinds);
    assert.deepEqual(collection.properties.type.enum, COLLECTION_TYPES);
    for (const kind of kinds) assert.ok(collection.properties.type.description.includes(`${kind.type} (${kind.summary})`));
    assert.deepEqual(assembleConfig(base('collection-config'), kinds).properties.type.enum, COLLECTION_TYPES);
  });

  it('refuse two kinds that define one shared field differently, naming the field', async () => {
    const { readKinds, assembleCollection, assembleConfig } = await assembler();
    const kinds = readKinds();
    const clash: Fragment = {
      type: 'clash',
      summary: 'a kind that redefines a field',
      collection: { $defs: { clash: { type: 'object' }, schedule: { type: 'integer' } } },
      config: { required: [], properties: { max_records: { type: 'string' } } },
    };
    assert.throws(
      () => assembleCollection(base('collection'), [...kinds, clash]),
      /kind clash defines the definition "schedule" differently/,
    );
    assert.throws(
      () => assembleConfig(base('collection-config'), [...kinds, clash]),
      /kind clash defines the collection.json field "max_records"/,
    );
    const agreeing: Fragment = { ...clash, collection: { $defs: { clash: { type: 'object' } } }, config: { required: [], properties: {} } };
    assert.deepEqual(assembleCollection(base('collection'), [...kinds, agreeing]).properties.type.enum.at(-1), 'clash');
  });
});
