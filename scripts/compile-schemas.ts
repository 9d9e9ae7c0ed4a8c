/*
 * Part of the build: compiles every schema under schemas/ into standalone validator code (ajv's
 * standalone mode), so that a run that only checks valid data never loads or runs ajv's compiler
 * (about 100 ms of every `validate`). Each module carries the text of the schema it was built
 * from; platform/schema-validation.ts uses it only for that exact schema (comparing the text costs
 * less than loading a hash function).
 */

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { _ } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { SCHEMAS_DIR } from '../platform/paths.js';
import { precompiledValidatorPath, schemaCompiler } from '../platform/schema-validation.js';

const SUFFIX = '.schema.json';

/** Every schema under schemas/, by name (`collection`, `archive/harvest`). */
export function schemaNames(): string[] {
  return schemaFiles(SCHEMAS_DIR).map((path) => relative(SCHEMAS_DIR, path).slice(0, -SUFFIX.length));
}

export function compileSchemas(): string[] {
  const names = schemaNames();
  for (const name of names) {
    const schemaText = readFileSync(join(SCHEMAS_DIR, `${name}${SUFFIX}`), 'utf8');
    // Only the verdict is needed from this code: the first error is enough, and none is explained.
    const ajv = schemaCompiler({
      allErrors: false,
      verbose: false,
      code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
    });
    const validate = ajv.compile(JSON.parse(schemaText) as object);
    const code = `${standalone.default(ajv, validate)}\nmodule.exports.schemaText = ${JSON.stringify(schemaText)};\n`;
    const path = precompiledValidatorPath(name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, code);
  }
  return names;
}

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return schemaFiles(path);
    return entry.name.endsWith(SUFFIX) ? [path] : [];
  });
}

if (process.argv[1]?.endsWith('compile-schemas.js') === true) compileSchemas();
