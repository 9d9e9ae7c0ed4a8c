/*
 * Bundles the harvester's entry (the container runs `harvest <id>`) into one ES module with every
 * production dependency inside, so that the image holds node, this file, package.json and
 * schemas/ and nothing else. `npm run bundle` writes dist/bundle/twarc-cloud.mjs.
 */

import { build } from 'esbuild';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';

export const BUNDLE = join(PACKAGE_ROOT, 'dist', 'bundle', 'twarc-cloud.mjs');

/** Bundles the harvester's entry into `outfile`; returns the source files it holds, relative to the package root. */
export async function bundle(outfile = BUNDLE): Promise<string[]> {
  const result = await build({
    entryPoints: [join(PACKAGE_ROOT, 'dist', 'cli', 'harvester-entry.js')],
    metafile: true,
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: false,
    sourcemap: false,
    legalComments: 'external',
    // CommonJS dependencies (ajv) call require(); give the ES module bundle one.
    banner: {
      js: "import { createRequire as twarcCloudCreateRequire } from 'node:module'; const require = twarcCloudCreateRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return Object.keys(result.metafile.inputs);
}

if (process.argv[1]?.endsWith('bundle.js') === true) await bundle();
