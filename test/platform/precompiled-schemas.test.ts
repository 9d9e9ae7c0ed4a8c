import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT, SCHEMAS_DIR } from '../../platform/paths.js';
import { precompiledValidatorPath, schemaCompiler } from '../../platform/schema-validation.js';
import { parseYamlSource } from '../../reconciler/yaml/yaml-source.js';
import { schemaNames } from '../../scripts/compile-schemas.js';
import { userTimelineYaml, seededRandom } from '../generators/collection-files.js';

// The build compiles each schema into standalone code (scripts/compile-schemas.ts), which then says
// whether data is valid without ajv. It must answer exactly as ajv does, and be built from the schema
// as it is now.

const require = createRequire(import.meta.url);
type Precompiled = ((data: unknown) => boolean) & { schemaText?: string };

describe('precompiled schema validators', () => {
  it('exist for every schema, each built from the schema as it is now', () => {
    const names = schemaNames();
    assert.ok(names.includes('collection') && names.includes('archive/harvest'), names.join(', '));
    for (const name of names) {
      const module = require(precompiledValidatorPath(name)) as Precompiled;
      assert.equal(typeof module, 'function', name);
      assert.equal(module.schemaText, readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8'), `${name}: stale; run npm run build`);
    }
  });

  it('accept and refuse collection files exactly as ajv does, over the invalid corpus and the examples', () => {
    const precompiled = require(precompiledValidatorPath('collection')) as Precompiled;
    const ajv = schemaCompiler().compile(JSON.parse(readFileSync(join(SCHEMAS_DIR, 'collection.schema.json'), 'utf8')) as object);
    const corpus = ['test/reconciler/invalid-collections', 'collections'].flatMap((dir) =>
      readdirSync(join(PACKAGE_ROOT, dir))
        .filter((name) => name.endsWith('.yaml'))
        .map((name) => readFileSync(join(PACKAGE_ROOT, dir, name), 'utf8')),
    );
    corpus.push(userTimelineYaml('generated', 20, seededRandom(3)));
    let refused = 0;
    let compared = 0;
    for (const text of corpus) {
      const data = parseYamlSource('file.yaml', text).source?.data;
      if (data === undefined) continue;
      compared++;
      const verdict = ajv(data);
      assert.equal(precompiled(data), verdict, text.slice(0, 200));
      if (!verdict) refused++;
    }
    assert.ok(compared >= 40 && refused >= 20, `compared ${compared}, of which refused ${refused}`);
  });
});
