/*
 * Dependencies that only some runs need, loaded on first use. A CommonJS module on purpose: its
 * require() is synchronous (an ES module can load lazily only through an asynchronous import()), so
 * the code that needs these stays synchronous; and esbuild still bundles what it requires.
 * `twarc-cloud validate` of valid files needs neither ajv's compiler nor the position-keeping YAML
 * parser (reconciler/yaml/lazy-yaml.cts), which took two thirds of its start-up.
 */

import type * as Ajv2020Module from 'ajv/dist/2020.js';
import type * as AjvFormats from 'ajv-formats';

function loadAjv2020(): typeof Ajv2020Module {
  return require('ajv/dist/2020.js') as typeof Ajv2020Module;
}

function loadAjvFormats(): typeof AjvFormats.default {
  return (require('ajv-formats') as typeof AjvFormats).default;
}

/** A module written by the build (scripts/compile-schemas.ts); undefined when it is not there (the bundle). */
function loadBuiltModule(path: string): unknown {
  try {
    return require(path) as unknown;
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

export = { loadAjv2020, loadAjvFormats, loadBuiltModule };
