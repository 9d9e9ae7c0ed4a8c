#!/usr/bin/env node
// Thin launcher: the CLI is compiled TypeScript in dist/ (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/twarc-cloud.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'twarc-cloud: error: the program is not built yet\n  hint: run `npm ci` (or `npm run build`) in the twarc-cloud repository\n',
  );
  process.exit(1);
}
await import(entry.href);
