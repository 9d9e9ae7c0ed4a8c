import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { withGeneratedSections } from './schema-docs.js';

// `npm run docs`: rewrites the generated field reference in README.md from the schemas.
const path = join(PACKAGE_ROOT, 'README.md');
writeFileSync(path, withGeneratedSections(readFileSync(path, 'utf8')));
process.stdout.write('README.md: generated sections updated from schemas/\n');
